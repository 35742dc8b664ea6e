import { Component, type ComponentType, createRef } from "preact";
import type { FloatingPanelProps } from "@/components/chat/FloatingPanel.tsx";
import { ChatIcon } from "@/components/chat/chat_icon.tsx";

/** Remembers, for this tab, that the panel was open, so it stays open across pages. */
const OPEN_KEY = "aae.assistant.open";

interface FloatingAssistantState {
  open: boolean;
  /** The chat panel, once its code has loaded. */
  Panel: ComponentType<FloatingPanelProps> | null;
}

/**
 * The floating assistant button on every app page. It is only a button (a link to the full
 * page before scripts load); the panel — the chat, its dialog, its keys — is imported when first
 * opened, so pages that never open it do not pay for it, and until it is there the button stays.
 * A class rather than hooks for the same reason: with the frame's other islands it then needs no
 * `preact/hooks` on every page.
 */
export default class FloatingAssistant extends Component<object, FloatingAssistantState> {
  override state: FloatingAssistantState = { open: false, Panel: null };
  private button = createRef<HTMLAnchorElement>();

  override componentDidMount(): void {
    if (sessionStorage.getItem(OPEN_KEY) === "1") this.show();
  }

  private show = () => {
    this.setState({ open: true });
    remember(true);
    if (this.state.Panel) return;
    import("@/components/chat/FloatingPanel.tsx").then(
      (module) => this.setState({ Panel: module.FloatingPanel }),
      // Without the panel's code the full page is the way to the assistant.
      () => location.assign("/assistant"),
    );
  };

  private hide = () => {
    this.setState({ open: false });
    remember(false);
    // Focus goes back where it came from, for keyboard users.
    setTimeout(() => this.button.current?.focus(), 0);
  };

  override render() {
    const { open, Panel } = this.state;
    if (open && Panel) return <Panel onClose={this.hide} />;
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
        aria-busy={open || undefined}
        data-floating-assistant
        class="fixed bottom-5 right-5 z-40 inline-flex h-12 items-center gap-2 rounded-full bg-indigo-600 px-4 text-sm font-medium text-white shadow-lg hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-neutral-950"
      >
        <ChatIcon size="h-5 w-5" />
        <span class="hidden sm:inline">Assistant</span>
      </a>
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
