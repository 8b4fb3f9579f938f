import { z } from 'zod';

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';

interface FieldShape {
  kinds: Set<Kind>;
  items?: FieldShape;
}

type JsonSchema = { type?: Kind | Kind[]; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; items?: JsonSchema; properties?: Record<string, JsonSchema> };

function shapeOf(schema: JsonSchema | undefined): FieldShape {
  const kinds = new Set<Kind>();
  let items: FieldShape | undefined;
  const visit = (node: JsonSchema | undefined): void => {
    if (node === undefined) return;
    for (const kind of Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type]) kinds.add(kind);
    if (node.items !== undefined) items = shapeOf(node.items);
    for (const member of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(member);
  };
  visit(schema);
  return { kinds, ...(items === undefined ? {} : { items }) };
}

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

function coerceText(text: string, shape: FieldShape): unknown {
  if (shape.kinds.has('string')) return text;
  if (shape.kinds.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if ((shape.kinds.has('number') || shape.kinds.has('integer')) && NUMBER.test(text)) return Number(text);
  return text;
}

function coerceValue(value: unknown, shape: FieldShape): unknown {
  if (shape.kinds.has('array') && !shape.kinds.has('string')) {
    const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
    return list.map((item: unknown) => (typeof item === 'string' && shape.items !== undefined ? coerceText(item, shape.items) : item));
  }
  return typeof value === 'string' ? coerceText(value, shape) : value;
}

/**
 * A form body carries only text (and repeated keys as lists): this turns each field into
 * what the route's body schema takes (a number, a boolean, a list of one), where the text
 * reads as one, so a form and the same JSON body are the same request. Fields whose text
 * does not read as the type stay text and fail validation with the field's name.
 */
export function formCoercer(body: z.ZodType): (form: Record<string, unknown>) => Record<string, unknown> {
  let fields: Map<string, FieldShape>;
  try {
    const schema = z.toJSONSchema(body, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    fields = new Map(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, shapeOf(property)]));
  } catch {
    fields = new Map();
  }
  return (form) => {
    const coerced: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(form)) {
      const shape = fields.get(name);
      coerced[name] = shape === undefined ? value : coerceValue(value, shape);
    }
    return coerced;
  };
}
