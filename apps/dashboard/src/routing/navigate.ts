/**
 * Goes to a hash route. `replace` changes the address without a new history entry (a filter being
 * typed should not leave one entry per key), and still tells the page, as a hash change would.
 */
export function navigate(href: string, replace = false): void {
  if (!replace) {
    window.location.hash = href;
    return;
  }
  window.history.replaceState(window.history.state, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
