/** The engine's one event bus: listeners, UI pushes and notifications all subscribe here. */
import type { EngineEvent } from '../model/types.js';

export type EventListenerFn = (event: EngineEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListenerFn>();

  /** Listeners run synchronously in subscription order; one that throws does not stop the rest. */
  emit(event: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  subscribe(listener: EventListenerFn): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
