/**
 * Assistant text rendered from its Markdown subset (see `pages/chat_markdown.ts`) as
 * elements, never as HTML. When the message also carries an embedded table, Markdown tables are
 * left out: the embedded one shows the same rows, with links and badges.
 *
 * @module
 */
import { type Block, type Inline, parseMarkdown } from "@/pages/chat_markdown.ts";

interface MessageTextProps {
  text: string;
  /** Leave Markdown tables out (an embedded table says the same). */
  withoutTables?: boolean;
}

/** The blocks of a message. */
export function MessageText({ text, withoutTables }: MessageTextProps) {
  const blocks = parseMarkdown(text).filter((block) => !withoutTables || block.kind !== "table");
  return <>{blocks.map((block, index) => <BlockView key={index} block={block} />)}</>;
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case "paragraph":
      return (
        <p class="[&:not(:first-child)]:mt-2">
          {block.lines.map((line, index) => (
            <>
              {index > 0 && <br />}
              <Inlines inlines={line} />
            </>
          ))}
        </p>
      );
    case "heading":
      return (
        <p class="font-semibold [&:not(:first-child)]:mt-3">
          <Inlines inlines={block.inlines} />
        </p>
      );
    case "list": {
      const items = block.items.map((item) => (
        <li>
          <Inlines inlines={item} />
        </li>
      ));
      return block.ordered
        ? <ol class="list-decimal space-y-0.5 pl-5 [&:not(:first-child)]:mt-2">{items}</ol>
        : <ul class="list-disc space-y-0.5 pl-5 [&:not(:first-child)]:mt-2">{items}</ul>;
    }
    case "table":
      return (
        <div class="overflow-x-auto [&:not(:first-child)]:mt-2">
          <table class="min-w-full text-xs">
            <thead>
              <tr class="border-b border-neutral-200 dark:border-neutral-700">
                {block.header.map((cell) => (
                  <th scope="col" class="whitespace-nowrap px-2 py-1 text-left font-semibold">
                    <Inlines inlines={cell} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody class="divide-y divide-neutral-100 dark:divide-neutral-800">
              {block.rows.map((row) => (
                <tr>
                  {row.map((cell) => (
                    <td class="whitespace-nowrap px-2 py-1">
                      <Inlines inlines={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
  }
}

function Inlines({ inlines }: { inlines: Inline[] }) {
  return (
    <>
      {inlines.map((inline, index) =>
        inline.style === "bold"
          ? <strong key={index} class="font-semibold">{inline.text}</strong>
          : inline.style === "em"
          ? <em key={index}>{inline.text}</em>
          : inline.style === "code"
          ? (
            <code
              key={index}
              class="rounded bg-neutral-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-neutral-800"
            >
              {inline.text}
            </code>
          )
          : inline.text
      )}
    </>
  );
}
