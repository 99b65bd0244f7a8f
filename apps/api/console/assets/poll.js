// Live pages ask again every interval while they are shown, and not while the tab is hidden:
// every call is an access record (docs/audit.md, "Admin console").

/** Runs `refresh` now and then every `intervalMs` after the previous run ended; answers the stop function. */
export function poll(refresh, intervalMs) {
  let stopped = false;
  let timer;
  const run = async () => {
    if (stopped) return;
    if (document.hidden) return; // resumed by visibilitychange
    await refresh().catch(() => undefined);
    if (!stopped) timer = setTimeout(run, intervalMs);
  };
  const onVisible = () => {
    if (!document.hidden) {
      clearTimeout(timer);
      void run();
    }
  };
  document.addEventListener('visibilitychange', onVisible);
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
