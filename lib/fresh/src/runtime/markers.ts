/**
 * The comment markers around islands and slots: written by the server, read by the boot script.
 *
 * @module
 */

/** Builds the text of each marker comment. */
export const markers = {
  island: (id: number, name: string, exportName: string, slots: string[]): string =>
    `frsh:island:${id}:${name}:${exportName}:${slots.join(",")}`,
  islandEnd: (id: number | string): string => `/frsh:island:${id}`,
  slot: (id: number | string, name: string): string => `frsh:slot:${id}:${name}`,
  slotEnd: (id: number | string, name: string): string => `/frsh:slot:${id}:${name}`,
};

/** What an island's opening marker says. */
export interface IslandMarker {
  id: string;
  name: string;
  exportName: string;
  slots: string[];
}

const ISLAND = /^frsh:island:(\d+):([^:]+):([^:]+):(.*)$/;

/** Parses an opening island marker's text; null for any other comment. */
export function parseIslandMarker(text: string): IslandMarker | null {
  const match = text.match(ISLAND);
  if (!match) return null;
  const [, id, name, exportName, slots] = match;
  return { id, name, exportName, slots: slots ? slots.split(",") : [] };
}
