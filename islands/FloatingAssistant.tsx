import { Component, type ComponentType, createRef } from "preact";
import type { FloatingPanelProps } from "@/components/chat/FloatingPanel.tsx";
import { ChatIcon } from "@/components/chat/chat_icon.tsx";

/** Remembers, for this tab, that the panel was open, so it stays open across pages. */
const OPEN_KEY = "aae.assistant.open";

interface FloatingAssistantState {
  open: boolean;
  /** The chat panel, once its code has loaded. */
  Panel: ComponentType<FloatingPanelProps> | null;
  failed: boolean;
}

/**
 * The floating assistant button on every app page. It is only a button (a link to the full
 * page before scripts load); the chat itself is imported when the panel is first opened, so
 * pages that never open it do not pay for it. A class rather than hooks for the same reason: on
 * every page, with the frame's other islands, it then needs no `preact/hooks`.
 */
export default class FloatingAssistant extends Component<object, FloatingAssistantState> {
  override state: FloatingAssistantState = { open: false, Panel: null, failed: false };
  private button = createRef<HTMLAnchorElement>();

  override componentDidMount(): void {
    if (sessionStorage.getItem(OPEN_KEY) === "1") this.show();
  }

  override componentDidUpdate(_props: object, previous: FloatingAssistantState): void {
    if (this.state.open === previous.open) return;
    // Escape closes the panel wherever the focus is (it may be on the page behind it, or nowhere
    // after the panel was restored on a new page), unless something inside already used the key.
    if (this.state.open) document.addEventListener("keydown", this.onKeyDown);
    else document.removeEventListener("keydown", this.onKeyDown);
  }

  override componentWillUnmount(): void {
    document.removeEventListener("keydown", this.onKeyDown);
  }

  private onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && !event.defaultPrevented && !event.isComposing) this.hide();
  };

  private show = () => {
    this.setState({ open: true });
    remember(true);
    if (!this.state.Panel) {
      import("@/components/chat/FloatingPanel.tsx").then(
        (module) => this.setState({ Panel: module.FloatingPanel }),
        () => this.setState({ failed: true }),
      );
    }
  };

  private hide = () => {
    this.setState({ open: false });
    remember(false);
    // Focus goes back where it came from, for keyboard users.
    setTimeout(() => this.button.current?.focus(), 0);
  };

  override render() {
    const { open, Panel, failed } = this.state;
    if (!open) {
      return (
        <a
          ref={this.button}
          href="/assistant"
          onClick={(event) => {
            event.preventDefault();
            this.show();
          }}
          aria-label="Open the assistant"
          aria-haspopup="dialog"
          data-floating-assistant
          class="fixed bottom-5 right-5 z-40 inline-flex h-12 items-center gap-2 rounded-full bg-indigo-600 px-4 text-sm font-medium text-white shadow-lg hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-neutral-950"
        >
          <ChatIcon size="h-5 w-5" />
          <span class="hidden sm:inline">Assistant</span>
        </a>
      );
    }
    return (
      <div
        role="dialog"
        aria-label="Assistant"
        data-floating-panel
        class="fixed inset-x-2 bottom-2 z-40 flex [contain:inline-size] h-[min(40rem,calc(100vh-1rem))] flex-col overflow-hidden rounded-xl border border-neutral-200 bg-neutral-50 shadow-2xl sm:inset-x-auto sm:bottom-5 sm:right-5 sm:w-[26rem] dark:border-neutral-800 dark:bg-neutral-950"
      >
        {Panel
          ? <Panel onClose={this.hide} />
          : (
            <div class="flex flex-1 flex-col items-center justify-center gap-3 text-sm text-neutral-500 dark:text-neutral-400">
              <p role="status">
                {failed ? "The assistant could not be loaded." : "Loading the assistant…"}
              </p>
              <button type="button" onClick={this.hide} class="text-xs underline">Close</button>
            </div>
          )}
      </div>
    );
  }
}

function remember(open: boolean): void {
  try {
    if (open) sessionStorage.setItem(OPEN_KEY, "1");
    else sessionStorage.removeItem(OPEN_KEY);
  } catch {
    // Storage can be unavailable (privacy modes); the panel then just starts closed.
  }
}
