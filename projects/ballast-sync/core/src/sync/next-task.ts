/**
 * Runs `callback` in a new task of the event loop, as soon as the current task and its microtasks
 * are done, and returns a function that cancels it.
 *
 * Not `setTimeout(0)`: Node clamps it to 1 ms, browsers clamp nested ones to 4 ms and throttle
 * every timer of a background tab to about once a second. `setImmediate` (Node) and a
 * `MessageChannel` message (browsers) are neither clamped nor throttled; `setTimeout(0)` is the
 * fallback where neither exists (jsdom, for instance).
 */
export function nextTask(callback: () => void): () => void {
  const runtime = globalThis as {
    setImmediate?: (callback: () => void) => unknown;
    clearImmediate?: (handle: unknown) => void;
  };
  if (typeof runtime.setImmediate === 'function' && typeof runtime.clearImmediate === 'function') {
    const handle = runtime.setImmediate(callback);
    return () => runtime.clearImmediate?.(handle);
  }
  if (typeof MessageChannel === 'function') return viaMessageChannel(callback);
  const timer = setTimeout(callback, 0);
  return () => clearTimeout(timer);
}

/** Callbacks waiting for the shared channel's next message, in order. */
let queued: (() => void)[] = [];
let channel: MessageChannel | undefined;

function viaMessageChannel(callback: () => void): () => void {
  let cancelled = false;
  queued.push(() => cancelled || callback());
  if (queued.length === 1) {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => {
        // Everything queued so far runs in this task; what they queue runs in the next one.
        const running = queued;
        queued = [];
        for (const run of running) {
          try {
            run();
          } catch (error) {
            // One failing callback must not keep the others from running; report it as uncaught.
            queueMicrotask(() => {
              throw error;
            });
          }
        }
      };
      // Where a listening port keeps a process alive (Node), this one must not.
      (channel.port1 as { unref?: () => void }).unref?.();
    }
    channel.port2.postMessage(undefined);
  }
  return () => (cancelled = true);
}
