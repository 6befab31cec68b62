// The worker host program, emitted beside the bundle: the bundled worker package starts
// `./host-process.js` next to itself (see @program-nova/worker's README, createWorkerHost).
import '@program-nova/worker/host-process';
