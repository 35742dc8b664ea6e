/**
 * The API speaks snake_case JSON; the domain speaks camelCase. This is the one place that
 * converts between them: values (deep, both directions), zod input schemas (so the domain's own
 * schemas describe and validate request bodies and queries), and the matching types.
 *
 * Keys listed in `OPAQUE_KEYS` hold user data (e.g. message `metadata`) and are never rewritten.
 *
 * @module
 */
import { z } from "zod";

/** Fields whose values are user-defined documents, passed through untouched. */
export const OPAQUE_KEYS: ReadonlySet<string> = new Set(["metadata"]);

/** `budgetAmountMinor` → `budget_amount_minor`. */
export function snakeKey(key: string): string {
  return key.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`);
}

/** `budget_amount_minor` → `budgetAmountMinor`. */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

// Tail-recursive (the result accumulates in `Done`), so long keys do not deepen the
// instantiation stack the route types already build on.
type SnakeKey<Key extends string, Done extends string = ""> = Key extends
  `${infer Head}${infer Tail}`
  ? SnakeKey<Tail, `${Done}${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}`>
  : Done;

/** The type of `toSnake(value)` for a value of type `T`. */
export type SnakeCased<T> = T extends readonly (infer Item)[] ? SnakeCased<Item>[]
  : T extends Date ? T
  : T extends object ? {
      [Key in keyof T as Key extends string ? SnakeKey<Key> : Key]: Key extends "metadata" ? T[Key]
        : SnakeCased<T[Key]>;
    }
  : T;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Memoizes a key renaming: responses repeat the same few dozen keys on every item. */
function memoized(rename: (key: string) => string): (key: string) => string {
  const cache = new Map<string, string>();
  return (key) => {
    let renamed = cache.get(key);
    if (renamed === undefined) {
      renamed = rename(key);
      if (cache.size < 10_000) cache.set(key, renamed);
    }
    return renamed;
  };
}

const toSnakeKey = memoized(snakeKey);
const toCamelKey = memoized(camelKey);

function convertKeys(value: unknown, rename: (key: string) => string): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const item = value[key];
    out[rename(key)] = OPAQUE_KEYS.has(key) ? item : convertKeys(item, rename);
  }
  return out;
}

/** Deep copy of a domain value with snake_case keys. */
export function toSnake<T>(value: T): SnakeCased<T> {
  return convertKeys(value, toSnakeKey) as SnakeCased<T>;
}

/**
 * Turns a request value validated by `snakeSchema(schema)` back into the domain's input shape.
 * `schema` only carries the type.
 */
export function fromSnake<Schema extends z.ZodType>(
  _schema: Schema,
  value: SnakeCased<z.output<Schema>>,
): z.output<Schema> {
  return convertKeys(value, toCamelKey) as z.output<Schema>;
}

/** A schema validating the snake_case form of what `Schema` validates. */
export type SnakeSchema<Schema extends z.ZodType> = z.ZodType<
  SnakeCased<z.output<Schema>>,
  SnakeCased<z.input<Schema>>
>;

function hasObject(schema: z.ZodType): boolean {
  if (schema instanceof z.ZodObject) return true;
  if (
    schema instanceof z.ZodOptional || schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault || schema instanceof z.ZodNonOptional
  ) {
    return hasObject(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodArray) return hasObject(schema.element as z.ZodType);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).some(hasObject);
  return false;
}

function rebuild(schema: z.ZodType): z.ZodType {
  if (!hasObject(schema)) return schema;
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      shape[snakeKey(key)] = OPAQUE_KEYS.has(key) ? field : rebuild(field);
    }
    // Object-level refinements are dropped: they read camelCase keys. The domain re-checks them.
    const strict = schema._zod.def.catchall instanceof z.ZodNever;
    return strict ? z.strictObject(shape) : z.object(shape);
  }
  if (schema instanceof z.ZodOptional) return rebuild(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodNullable) return rebuild(schema.unwrap() as z.ZodType).nullable();
  // `.required()` wraps each field in a ZodNonOptional; without this case a required nested
  // object would keep its camelCase keys.
  if (schema instanceof z.ZodNonOptional) {
    return rebuild(schema.unwrap() as z.ZodType).nonoptional();
  }
  if (schema instanceof z.ZodDefault) {
    const fallback = toSnake(schema._zod.def.defaultValue);
    return rebuild(schema.unwrap() as z.ZodType).default(fallback as never);
  }
  if (schema instanceof z.ZodArray) return z.array(rebuild(schema.element as z.ZodType));
  // Unions of objects (a rule's scope, conditions, action): each option renamed. A
  // discriminator is one word in the domain's schemas, so it keeps its name.
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const options = (schema.options as z.ZodType[]).map(rebuild);
    return z.discriminatedUnion(
      snakeKey(schema._zod.def.discriminator),
      options as unknown as [z.ZodObject, ...z.ZodObject[]],
    );
  }
  if (schema instanceof z.ZodUnion) {
    return z.union((schema.options as z.ZodType[]).map(rebuild) as [z.ZodType, ...z.ZodType[]]);
  }
  return schema;
}

/** `snakeSchema` of an object schema, usable where an object schema is required (queries). */
export type SnakeObjectSchema<Schema extends z.ZodType> =
  & z.ZodObject<z.core.$ZodLooseShape, z.core.$strip>
  & SnakeSchema<Schema>;

/** `snakeSchema` for object schemas such as query parameters. */
export function snakeObject<Schema extends z.ZodObject>(schema: Schema): SnakeObjectSchema<Schema> {
  return rebuild(schema) as unknown as SnakeObjectSchema<Schema>;
}

/**
 * The snake_case twin of a domain input schema: same fields, types, limits and defaults, keys
 * renamed. Leaves are the domain's own schemas, so limits and formats are shared, not copied.
 */
export function snakeSchema<Schema extends z.ZodType>(schema: Schema): SnakeSchema<Schema> {
  return rebuild(schema) as unknown as SnakeSchema<Schema>;
}
