// Columnar transfer of records, the JavaScript half of runtime/jsinterop/columns.py: Python sends
// one list per field (JSON) and a shape; JavaScript builds the objects in a loop, and gathers
// columns the same way for the other direction. A value that does not fit the shape gives undefined,
// and Python takes the general path (which converts it or names what is wrong).
//
// Shapes: "p" (primitives), ["c", "list" | "dict"] (JSON containers of primitives),
// ["r", fieldCount, [[key, shape], ...]] (records), ["l", shape] (lists of records).

/** Objects from the columns of a record shape, and lists of them, as Python encoded them. */
function build(shape, data, buffers) {
  if (shape === "p") return typeof data === "number" ? buffers[data] : data; // a Float64Array column
  if (shape[0] === "c") return data;
  if (shape[0] === "l") {
    const [lengths, inner] = data;
    const flat = build(shape[1], inner, buffers);
    const out = new Array(lengths.length);
    let start = 0;
    for (let i = 0; i < lengths.length; i++) {
      out[i] = flat.slice(start, start + lengths[i]);
      start += lengths[i];
    }
    return out;
  }
  const fields = shape[2];
  const count = data[0];
  const keys = fields.map((field) => field[0]);
  const columns = fields.map((field, j) => build(field[1], data[j + 1], buffers));
  const out = new Array(count);
  const width = keys.length;
  if (keys.includes("__proto__")) {
    // A field named __proto__ is data: define it, never assign it (that would set the prototype).
    for (let i = 0; i < count; i++) {
      const object = {};
      for (let j = 0; j < width; j++) {
        Object.defineProperty(object, keys[j], { value: columns[j][i], enumerable: true, writable: true, configurable: true });
      }
      out[i] = object;
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    const object = {};
    for (let j = 0; j < width; j++) object[keys[j]] = columns[j][i];
    out[i] = object;
  }
  return out;
}

/** The value Python sent as columns (`text`, JSON; numeric columns in `buffers`) for `shape`. */
export function fromColumns(shape, text, buffers = []) {
  return build(shape, JSON.parse(text), buffers)[0];
}

const NOT_COLUMNAR = Symbol("not columnar");

function isPrimitive(value) {
  const type = typeof value;
  return type === "string" || type === "boolean" || value === null || (type === "number" && Number.isFinite(value));
}

function isPlainObject(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function gather(shape, column, buffers) {
  if (shape === "p") {
    let numbers = true;
    let finite = true;
    for (const value of column) {
      if (typeof value === "number") {
        if (!Number.isFinite(value)) finite = false;
      } else {
        if (!isPrimitive(value)) return NOT_COLUMNAR;
        numbers = false;
      }
    }
    if (numbers && column.length > 8) {
      buffers.push(Float64Array.from(column)); // NaN and infinities too: Python decides by the field's type
      return buffers.length - 1;
    }
    return finite ? column : NOT_COLUMNAR; // JSON would write NaN as null
  }
  if (shape[0] === "c") {
    const isList = shape[1] === "list";
    for (const value of column) {
      if (isList ? !Array.isArray(value) : !isPlainObject(value)) return NOT_COLUMNAR;
      for (const item of isList ? value : Object.values(value)) if (!isPrimitive(item)) return NOT_COLUMNAR;
    }
    return column;
  }
  if (shape[0] === "l") {
    const lengths = new Array(column.length);
    for (let i = 0; i < column.length; i++) {
      if (!Array.isArray(column[i])) return NOT_COLUMNAR;
      lengths[i] = column[i].length;
    }
    const inner = gather(shape[1], column.flat(), buffers);
    return inner === NOT_COLUMNAR ? NOT_COLUMNAR : [lengths, inner];
  }
  for (const value of column) if (!isPlainObject(value)) return NOT_COLUMNAR;
  const out = [column.length];
  for (const [key, fieldShape] of shape[2]) {
    const values = new Array(column.length);
    for (let i = 0; i < column.length; i++) {
      const value = column[i][key];
      if (value === undefined) return NOT_COLUMNAR; // missing, or spelled another way: the general path decides
      values[i] = value;
    }
    const gathered = gather(fieldShape, values, buffers);
    if (gathered === NOT_COLUMNAR) return NOT_COLUMNAR;
    out.push(gathered);
  }
  return out;
}

/** `value` as columns for `shape`: [JSON text, numeric column buffers], or undefined (None in Python)
 * when it does not fit. */
export function toColumns(shape, value) {
  const buffers = [];
  const columns = gather(shape, [value], buffers);
  return columns === NOT_COLUMNAR ? undefined : [JSON.stringify(columns), buffers];
}
