/**
 * The base of the page frame's live islands (the bell, the approvals badge, the credit balance):
 * a class component that follows live signals from mount to unmount. They are classes, not
 * function components with hooks, so that a page whose only islands are the frame's does not load
 * `preact/hooks` (about 1.2 KB gzipped) — the islands that appear on some pages only use hooks.
 *
 * @module
 */
import { Component } from "preact";
import { type LiveSignals, onLiveSignal } from "./signals.ts";

/** A component that listens to live signals while it is mounted. */
export abstract class LiveComponent<Props, State> extends Component<Props, State> {
  private stops: (() => void)[] = [];

  /** Calls `listener` with each value of the signal `name` until the component unmounts. */
  protected follow<Name extends keyof LiveSignals>(
    name: Name,
    listener: (value: LiveSignals[Name]) => void,
  ): void {
    this.stops.push(onLiveSignal(name, listener));
  }

  /** Stops something else at unmount too (a watcher the component started). */
  protected onUnmount(stop: () => void): void {
    this.stops.push(stop);
  }

  override componentWillUnmount(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
