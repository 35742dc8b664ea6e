/**
 * The `ctx.state` shapes pages read: every page has the theme, the flash message and the app's
 * services; pages of the signed-in app also have the actor, the user and the credit balance.
 *
 * @module
 */
import type { User } from "../../domain/accounts.ts";
import type { Actor } from "../../domain/actor.ts";
import type { Theme } from "../theme.ts";
import type { ServicesState } from "../services.ts";
import type { Flash } from "./flash.ts";

/** State of every page request. */
export interface PageState extends ServicesState {
  theme: Theme;
  /** The one-shot message carried over a redirect, if any. */
  flash: Flash | null;
  /** The page's own title for `<title>`; set it before rendering (handler or async route). */
  title?: string;
}

/** State of pages in the signed-in app (set by `routes/(app)/_middleware.ts`). */
export interface SignedInState extends PageState {
  actor: Actor;
  user: User;
  /** Credit balance, shown in the navigation frame. */
  credits: number;
}
