/** `nova run` on a pipe, a CI log or a file: one line per event, nothing redrawn. */
import { BaseView } from './base-view.js';

export class PlainView extends BaseView {
  note(line: string) {
    this.out.write(`${line}\n`);
  }
  stop() {}
  protected event(line: string) {
    this.out.write(`${line}\n`);
  }
  protected warn(line: string) {
    this.err.write(`${line}\n`);
  }
}
