import { computed, Injectable, signal, type Signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { SyncNotification } from 'ballast-sync';
import type { CounterInput, CounterState, CounterViewModel } from './counter-view-model';

/** What a {@link FlowEntry} reports. */
export type FlowEntryKind =
  'forwarded' | 'received' | 'published' | 'acknowledged' | 'rebased' | 'warning';

/** One line of the flow log. */
export interface FlowEntry {
  readonly id: number;
  /** Local time, `HH:MM:SS.mmm`. */
  readonly time: string;
  readonly kind: FlowEntryKind;
  readonly text: string;
}

/**
 * The last sync notifications of the counters (Inputs forwarded and received, States published,
 * acknowledgements), newest first. Provided by the counters page; each counter card tracks its
 * ViewModel.
 */
/** An entry whose text is written when it is read: names come from inputs, set after creation. */
interface RecordedEntry extends Omit<FlowEntry, 'text'> {
  readonly describe: () => string;
}

/**
 * The last sync notifications of the counters (Inputs forwarded and received, States published,
 * acknowledgements), newest first. Provided by the counters page; each counter card tracks its
 * ViewModel.
 */
@Injectable()
export class FlowLog {
  /** How many entries are kept. */
  static readonly SIZE = 12;

  private nextId = 1;
  /**
   * Names by connection incarnation, learnt from forwarded Inputs, so the Source's side can name
   * the Replica (acknowledgements are keyed by incarnation).
   */
  private readonly names = new Map<string, () => string>();
  private readonly recorded = signal<readonly RecordedEntry[]>([]);

  /** Newest first, at most {@link FlowLog.SIZE}. */
  readonly entries: Signal<readonly FlowEntry[]> = computed(() =>
    this.recorded().map(({ describe, ...entry }) => ({ ...entry, text: describe() })),
  );

  /**
   * Logs what `viewModel` does on the wire until the caller is destroyed. Call it in an injection
   * context (a constructor); `name` may be an input signal: it is read when entries are.
   */
  track(viewModel: CounterViewModel, name: () => string): void {
    viewModel
      .observeSyncNotifications()
      .pipe(takeUntilDestroyed())
      .subscribe((notification) => this.record(notification, name));
  }

  private record(
    notification: SyncNotification<CounterInput, CounterState>,
    name: () => string,
  ): void {
    switch (notification.type) {
      case 'InputForwarded': {
        const { incarnation, seq, input } = notification.input;
        this.names.set(incarnation, name);
        const resent = notification.resent ? ' (re-sent)' : '';
        return this.add('forwarded', () => `${name()} → Source: ${input.type} #${seq}${resent}`);
      }
      case 'InputReceived': {
        const { incarnation, seq, input } = notification.input;
        const duplicate = notification.duplicate ? ' (duplicate, ignored)' : '';
        return this.add(
          'received',
          () => `${name()} ← ${this.nameOf(incarnation)}: ${input.type} #${seq}${duplicate}`,
        );
      }
      case 'StatePublished': {
        // The same version sent again while idle (loss recovery): nothing new to show.
        if (notification.republished) return;
        const { version, state, acks } = notification.state;
        return this.add('published', () => {
          const acknowledged = Object.entries(acks).map(
            ([id, seq]) => `${this.nameOf(id)} #${seq}`,
          );
          const suffix = acknowledged.length > 0 ? `, acks ${acknowledged.join(', ')}` : '';
          return `${name()} → all: State v${version} (count ${state.count})${suffix}`;
        });
      }
      case 'InputsAcknowledged': {
        const { upToSeq } = notification;
        return this.add('acknowledged', () => `${name()}: Source acknowledged up to #${upToSeq}`);
      }
      case 'SourceSuperseded':
        return this.add('warning', () => `${name()} was superseded by a newer Source`);
      case 'StateRebased': {
        const { replayed, state } = notification;
        return this.add(
          'rebased',
          () =>
            `${name()}: rebased ${replayed} unacknowledged Input(s) on State v${state.version} (count ${state.state.count})`,
        );
      }
      case 'AcknowledgementOverdue': {
        const { count, waitedMs } = notification;
        return this.add(
          'warning',
          () => `${name()}: no acknowledgement for ${waitedMs} ms, re-sending ${count} Input(s)`,
        );
      }
      case 'PendingInputsOverflow': {
        const { limit } = notification;
        return this.add('warning', () => `${name()}: too many unacknowledged Inputs (${limit})`);
      }
      // SourceChanged and StateApplied happen on every Replica and Spectator: too many to show.
    }
  }

  private nameOf(incarnation: string): string {
    return this.names.get(incarnation)?.() ?? `client ${incarnation.slice(0, 6)}`;
  }

  private add(kind: FlowEntryKind, describe: () => string): void {
    const entry: RecordedEntry = {
      id: this.nextId++,
      time: formatTime(new Date()),
      kind,
      describe,
    };
    this.recorded.update((entries) => [entry, ...entries].slice(0, FlowLog.SIZE));
  }
}

function formatTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const ms = String(date.getMilliseconds()).padStart(3, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${ms}`;
}
