/**
 * Keeps the server-rendered conversation list of the full-page assistant current: after the chat
 * island starts a new conversation (its rename form and delete link pointed at it), and as
 * conversations start or stop waiting for the user's approval. The list is plain HTML (it works
 * without scripts), so the island changes it by cloning the list's own `<template>`s rather than
 * owning the list.
 *
 * @module
 */

/** Adds `conversationId` at the top of the list (once) and marks it as the current one. */
export function showStartedConversation(conversationId: string, title: string): void {
  const list = document.querySelector<HTMLElement>("[data-conversation-list]");
  const template = document.querySelector<HTMLTemplateElement>("template[data-conversation-item]");
  if (!list || !template) return;
  for (const link of list.querySelectorAll("a[aria-current]")) link.removeAttribute("aria-current");
  list.querySelector("[data-conversation-empty]")?.remove();
  if (list.querySelector(`[data-conversation-id="${CSS.escape(conversationId)}"]`)) return;
  const item = template.content.firstElementChild?.cloneNode(true) as HTMLElement | undefined;
  const link = item?.querySelector("a");
  if (!item || !link) return;
  item.dataset.conversationId = conversationId;
  link.href = `/assistant/${conversationId}`;
  link.setAttribute("aria-current", "page");
  const titleNode = link.querySelector("[data-conversation-title]");
  // The server titles a conversation after its first line; the list truncates long ones.
  const shown = title.split("\n")[0].trim();
  if (titleNode) titleNode.textContent = shown;
  pointActionsAt(item, conversationId, shown);
  list.prepend(item);
}

/** Marks exactly the listed conversations in `awaiting` as "Needs your approval". */
export function showAwaitingApproval(awaiting: ReadonlySet<string>): void {
  const template = document.querySelector<HTMLTemplateElement>(
    "template[data-awaiting-approval-badge]",
  );
  for (const item of document.querySelectorAll<HTMLElement>("[data-conversation-list] li")) {
    const id = item.dataset.conversationId;
    const badge = item.querySelector("[data-awaiting-approval]");
    const meta = item.querySelector("[data-conversation-meta]");
    if (id && awaiting.has(id)) {
      if (!badge && meta && template?.content.firstElementChild) {
        meta.append(template.content.firstElementChild.cloneNode(true));
      }
    } else badge?.remove();
  }
}

/** Points the cloned entry's rename form and delete link at the started conversation. */
function pointActionsAt(item: HTMLElement, conversationId: string, title: string): void {
  const form = item.querySelector<HTMLFormElement>("[data-rename-conversation]");
  const input = form?.querySelector<HTMLInputElement>("input[name=title]");
  const label = form?.querySelector("label");
  if (form) form.action = `/assistant/${conversationId}/rename`;
  if (input && label) {
    input.id = `rename-${conversationId}`;
    input.value = title;
    label.htmlFor = input.id;
  }
  const remove = item.querySelector<HTMLAnchorElement>("[data-delete-conversation-link]");
  if (remove) remove.href = `/assistant/${conversationId}/delete`;
  const summary = item.querySelector("[data-conversation-actions] summary");
  summary?.setAttribute("aria-label", `Rename or delete “${title}”`);
}
