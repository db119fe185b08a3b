import { InputHandlerContext, type InputHandlerHost } from './input-handler-context';
import { isThenable } from './is-thenable';
import type { InputHandler } from './scopes';

/**
 * Re-applies `inputs` on top of `state`, in order, through `inputHandler`, without outside
 * effects, and returns the State that results (a rebase: what the State would be had they been
 * handled after `state`). The handler sees `scope.isReplay === true`; its Events, side jobs and
 * notifications go nowhere (they already happened when the Input first ran). Only the State
 * updates made in the handler's synchronous part count: an async handler's scope closes (and its
 * `signal` aborts) when it returns, so later calls throw inside it and its Promise is ignored. A
 * handler that throws leaves the State as it was before that Input: its optimistic effect ends.
 * Costs one handler call per Input; the caller bounds how many there are.
 */
export function replayInputs<I, E, S>(
  inputHandler: InputHandler<I, E, S>,
  state: S,
  inputs: readonly I[],
  options: { readonly name: string; readonly singleStateAccess: boolean },
): S {
  let draft = state;
  const host: InputHandlerHost<I, E, S> = {
    name: options.name,
    getState: () => draft,
    setState: (next) => void (draft = next),
    postEvent: () => undefined,
    notify: () => undefined,
  };
  for (const input of inputs) {
    const before = draft;
    const context = new InputHandlerContext(host, input, options.singleStateAccess, 'replay');
    try {
      const result = inputHandler(input, context);
      if (isThenable(result)) {
        context.cancel();
        result.then(undefined, () => undefined);
      } else {
        context.finish();
      }
    } catch {
      context.cancel();
      draft = before;
    }
  }
  return draft;
}
