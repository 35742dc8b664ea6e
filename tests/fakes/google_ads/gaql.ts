/**
 * A small reader of the Google Ads Query Language for the Google Ads fake, after the "Google Ads
 * Query Language grammar" page: `SELECT fields FROM resource [WHERE condition [AND condition]…]
 * [ORDER BY field [ASC|DESC]] [LIMIT n]`, conditions with `= != > >= < <= IN, NOT IN, LIKE,
 * NOT LIKE, BETWEEN … AND …`, single- or double-quoted strings with backslash escapes. GAQL has
 * no OR and no parentheses around conditions; neither has this reader.
 *
 * @module
 */

/** One `WHERE` condition. */
export interface GaqlCondition {
  field: string;
  operator: string;
  values: (string | number)[];
}

/** A parsed query. */
export interface GaqlQuery {
  fields: string[];
  resource: string;
  where: GaqlCondition[];
  orderBy: { field: string; descending: boolean } | null;
  limit: number | null;
}

/** A query the reader refuses, with the `QueryError` code Google would name. */
export class GaqlError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

type Token = { kind: "word" | "string" | "number" | "symbol"; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][\w.]*)|(!=|>=|<=|=|>|<|,|\(|\)))/y;
  let index = 0;
  while (index < query.length) {
    if (/^\s*$/.test(query.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(query);
    if (!match) {
      throw new GaqlError("UNEXPECTED_INPUT", `Error in query: unexpected input ${query[index]}.`);
    }
    index = pattern.lastIndex;
    if (match[1]) {
      tokens.push({ kind: "string", text: match[1].slice(1, -1).replace(/\\(.)/g, "$1") });
    } else if (match[2]) tokens.push({ kind: "number", text: match[2] });
    else if (match[3]) tokens.push({ kind: "word", text: match[3] });
    else tokens.push({ kind: "symbol", text: match[4] });
  }
  return tokens;
}

/** Parses `query`; throws `GaqlError`. */
export function parseGaql(query: string): GaqlQuery {
  const tokens = tokenize(query);
  let at = 0;
  const peek = () => tokens[at];
  const keyword = (word: string) => {
    const token = peek();
    if (token?.kind === "word" && token.text.toUpperCase() === word) {
      at++;
      return true;
    }
    return false;
  };
  const expect = (word: string) => {
    if (!keyword(word)) {
      throw new GaqlError(
        "EXPECTED_" + word.replace(" ", "_"),
        `Error in query: expected ${word}.`,
      );
    }
  };
  const field = () => {
    const token = tokens[at++];
    if (token?.kind !== "word") {
      throw new GaqlError("BAD_FIELD_NAME", `Error in query: expected a field name.`);
    }
    return token.text;
  };
  const value = (): string | number => {
    const token = tokens[at++];
    if (!token || token.kind === "symbol") {
      throw new GaqlError("BAD_VALUE_IN_WHERE_CLAUSE", "Error in query: expected a value.");
    }
    return token.kind === "number" ? Number(token.text) : token.text;
  };

  expect("SELECT");
  const fields = [field()];
  while (peek()?.text === ",") {
    at++;
    fields.push(field());
  }
  expect("FROM");
  const resource = field();
  const where: GaqlCondition[] = [];
  if (keyword("WHERE")) {
    do {
      const name = field();
      let operator: string;
      if (keyword("NOT")) {
        if (keyword("IN")) operator = "NOT IN";
        else if (keyword("LIKE")) operator = "NOT LIKE";
        else throw new GaqlError("BAD_OPERATOR", "Error in query: expected IN or LIKE after NOT.");
      } else if (keyword("IN")) operator = "IN";
      else if (keyword("LIKE")) operator = "LIKE";
      else if (keyword("BETWEEN")) operator = "BETWEEN";
      else {
        const token = tokens[at++];
        if (token?.kind !== "symbol" || !["=", "!=", ">", ">=", "<", "<="].includes(token.text)) {
          throw new GaqlError("BAD_OPERATOR", `Error in query: bad operator after ${name}.`);
        }
        operator = token.text;
      }
      const values: (string | number)[] = [];
      if (operator.endsWith("IN")) {
        if (tokens[at++]?.text !== "(") {
          throw new GaqlError("BAD_LIST", "Error in query: expected a list after IN.");
        }
        values.push(value());
        while (peek()?.text === ",") {
          at++;
          values.push(value());
        }
        if (tokens[at++]?.text !== ")") {
          throw new GaqlError("BAD_LIST", "Error in query: unclosed list.");
        }
      } else if (operator === "BETWEEN") {
        values.push(value());
        expect("AND");
        values.push(value());
      } else values.push(value());
      where.push({ field: name, operator, values });
    } while (keyword("AND"));
  }
  let orderBy: GaqlQuery["orderBy"] = null;
  if (keyword("ORDER")) {
    expect("BY");
    orderBy = { field: field(), descending: false };
    if (keyword("DESC")) orderBy.descending = true;
    else keyword("ASC");
  }
  let limit: number | null = null;
  if (keyword("LIMIT")) {
    const token = tokens[at++];
    if (token?.kind !== "number") {
      throw new GaqlError("LIMIT_VALUE_NOT_INTEGER", "Error in query: LIMIT needs a number.");
    }
    limit = Number(token.text);
  }
  if (at < tokens.length) {
    throw new GaqlError("UNEXPECTED_INPUT", `Error in query: unexpected ${tokens[at].text}.`);
  }
  return { fields, resource, where, orderBy, limit };
}

/** Whether `actual` meets `condition` (strings compare as text, numbers as numbers). */
export function meets(actual: unknown, condition: GaqlCondition): boolean {
  const text = actual === undefined || actual === null ? "" : String(actual);
  const [first, second] = condition.values.map(String);
  const compare = (other: string) =>
    /^-?\d+(\.\d+)?$/.test(text) && /^-?\d+(\.\d+)?$/.test(other)
      ? Number(text) - Number(other)
      : text.localeCompare(other);
  switch (condition.operator) {
    case "=":
      return compare(first) === 0;
    case "!=":
      return compare(first) !== 0;
    case ">":
      return compare(first) > 0;
    case ">=":
      return compare(first) >= 0;
    case "<":
      return compare(first) < 0;
    case "<=":
      return compare(first) <= 0;
    case "IN":
      return condition.values.map(String).includes(text);
    case "NOT IN":
      return !condition.values.map(String).includes(text);
    case "BETWEEN":
      return compare(first) >= 0 && compare(second) <= 0;
    case "LIKE":
      return likePattern(first).test(text);
    case "NOT LIKE":
      return !likePattern(first).test(text);
    default:
      return false;
  }
}

/** GAQL `LIKE`: `%` any run, `_` one character, `[x]` a literal x. */
function likePattern(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "[" && pattern[i + 2] === "]") {
      source += pattern[i + 1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i += 2;
    } else if (char === "%") source += ".*";
    else if (char === "_") source += ".";
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}
