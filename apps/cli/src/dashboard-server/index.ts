export { generateToken, isLoopbackHost, TOKEN_PATTERN } from './access.js';
export { resolveDashboardAppDir } from './app-dir.js';
export { DashboardServerError, type DashboardServerErrorCode } from './errors.js';
export {
  type DashboardServer,
  type DashboardServerOptions,
  startDashboardServer,
} from './server.js';
