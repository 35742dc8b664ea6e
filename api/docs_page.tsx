/**
 * The API reference page at `/api/v1/docs`: the OpenAPI document rendered to plain HTML on the
 * server. It needs no CDN and no JavaScript (sections fold with `<details>`), so it works offline
 * and behind strict proxies.
 *
 * @module
 */
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";

type JsonSchema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface MediaContent {
  [mediaType: string]: { schema?: JsonSchema };
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: MediaContent };
  responses?: Record<string, { description?: string; content?: MediaContent }>;
  security?: Record<string, string[]>[];
}

/** The part of an OpenAPI 3.1 document this page reads. */
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const methods = ["get", "post", "put", "patch", "delete"] as const;
const methodColors: Record<string, string> = {
  get: "bg-sky-100 text-sky-800",
  post: "bg-emerald-100 text-emerald-800",
  put: "bg-amber-100 text-amber-800",
  patch: "bg-violet-100 text-violet-800",
  delete: "bg-rose-100 text-rose-800",
};

function schemaAnchor(name: string): string {
  return `schema-${name}`;
}

/** One-line summary of a schema: a link for `$ref`, the type otherwise. */
function SchemaName({ schema }: { schema?: JsonSchema }) {
  if (!schema) return <span class="text-slate-400">—</span>;
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const name = ref.split("/").pop() ?? ref;
    return <a class="text-indigo-700 underline" href={`#${schemaAnchor(name)}`}>{name}</a>;
  }
  if (schema.type === "array" && typeof schema.items === "object" && schema.items) {
    return (
      <span>
        array of <SchemaName schema={schema.items as JsonSchema} />
      </span>
    );
  }
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : String(schema.type ?? "any");
  const values = Array.isArray(schema.enum) ? `: ${schema.enum.join(", ")}` : "";
  return <span class="font-mono text-slate-700">{type}{values}</span>;
}

function Json({ value }: { value: unknown }) {
  return (
    <pre class="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <div class="mt-3">
      <h4 class="text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h4>
      {children}
    </div>
  );
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const body = op.requestBody?.content?.["application/json"]?.schema;
  return (
    <details class="rounded-lg border border-slate-200 bg-white">
      <summary class="flex cursor-pointer items-center gap-3 px-4 py-3">
        <span
          class={`w-16 rounded px-2 py-0.5 text-center text-xs font-bold ${methodColors[method]}`}
        >
          {method.toUpperCase()}
        </span>
        <code class="text-sm">{path}</code>
        <span class="text-sm text-slate-600">{op.summary}</span>
        {op.security?.length === 0 && <span class="text-xs text-slate-400">public</span>}
      </summary>
      <div class="border-t border-slate-100 px-4 pb-4">
        {op.description && <p class="mt-3 text-sm text-slate-700">{op.description}</p>}
        {op.parameters?.length
          ? (
            <Section title="Parameters">
              <table class="mt-1 w-full text-sm">
                <tbody>
                  {op.parameters.map((p) => (
                    <tr class="border-b border-slate-100" key={`${p.in}:${p.name}`}>
                      <td class="py-1 font-mono">{p.name}{p.required ? " *" : ""}</td>
                      <td class="py-1 text-slate-500">{p.in}</td>
                      <td class="py-1">
                        <SchemaName schema={p.schema} />
                      </td>
                      <td class="py-1 text-slate-600">{p.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          )
          : null}
        {body && (
          <Section title="Request body">
            <SchemaName schema={body} />
          </Section>
        )}
        <Section title="Responses">
          <ul class="mt-1 text-sm">
            {Object.entries(op.responses ?? {}).map(([status, response]) => (
              <li key={status}>
                <span class="font-mono font-semibold">{status}</span> {response.description}{" "}
                <SchemaName schema={response.content?.["application/json"]?.schema} />
              </li>
            ))}
          </ul>
        </Section>
      </div>
    </details>
  );
}

function groupByTag(doc: OpenApiDocument) {
  const groups = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "other";
      groups.set(tag, [...(groups.get(tag) ?? []), { method, path, op }]);
    }
  }
  return groups;
}

function DocsPage({ doc, stylesheet }: { doc: OpenApiDocument; stylesheet?: string }) {
  const schemas = Object.entries(doc.components?.schemas ?? {});
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${doc.info.title} — API reference`}</title>
        {stylesheet && <link rel="stylesheet" href={stylesheet} />}
      </head>
      <body class="bg-slate-50 text-slate-900">
        <main class="mx-auto max-w-5xl p-6">
          <h1 class="text-2xl font-bold">{doc.info.title}</h1>
          <p class="text-sm text-slate-500">
            Version {doc.info.version} · <a class="underline" href="openapi.json">openapi.json</a>
          </p>
          {doc.info.description && (
            <p class="mt-3 whitespace-pre-line text-slate-700">{doc.info.description}</p>
          )}
          {[...groupByTag(doc)].map(([tag, operations]) => (
            <section class="mt-8" key={tag}>
              <h2 class="mb-3 text-lg font-semibold capitalize">{tag}</h2>
              <div class="space-y-2">
                {operations.map((o) => <OperationView key={`${o.method} ${o.path}`} {...o} />)}
              </div>
            </section>
          ))}
          {schemas.length > 0 && (
            <section class="mt-10">
              <h2 class="mb-3 text-lg font-semibold">Schemas</h2>
              {schemas.map(([name, schema]) => (
                <details class="mb-2" id={schemaAnchor(name)} key={name}>
                  <summary class="cursor-pointer font-mono text-sm">{name}</summary>
                  <Json value={schema} />
                </details>
              ))}
            </section>
          )}
        </main>
      </body>
    </html>
  );
}

/** Renders the reference page for `doc` as a complete HTML document. */
export function renderDocsPage(doc: OpenApiDocument, stylesheet?: string): string {
  return `<!DOCTYPE html>${renderToString(<DocsPage doc={doc} stylesheet={stylesheet} />)}`;
}
