declare module 'async-exit-hook' {
  type Hook = ((done: () => void) => void) | (() => void);
  function exitHook(hook: Hook): void;
  namespace exitHook {
    /** How long asynchronous hooks may run before the process is ended anyway (default 10,000 ms). */
    function forceExitTimeout(ms: number): void;
  }
  export default exitHook;
}
