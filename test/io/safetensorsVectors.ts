/**
 * Hand-built safetensors buffers, each testing one rule of the reference reader (the Rust crate,
 * safetensors/src/tensor.rs at 24b0b28). scripts/fixtures/safetensors_rust.sh runs every one through
 * that reader and records its verdict in test/fixtures/io/safetensors_rust.json; the tests check
 * that anneal's reader gives the same verdict, except where a vector says anneal is stricter.
 */

/** A file from header text (written as is, so whitespace and odd JSON survive) and data bytes. */
export function raw(header: string, data: number | Uint8Array = 0, length?: bigint): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const bytes = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + bytes.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes, 8 + json.length);
  return out;
}

const bin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });
const header = (h: Record<string, unknown>) => JSON.stringify(h);

export interface Vector {
  name: string;
  bytes: Uint8Array;
  /** What anneal's reader does: 'ok', or a pattern its error message matches. */
  ours: 'ok' | RegExp;
  /** Set where the crate accepts and anneal refuses on purpose: why. */
  stricter?: string;
  /** A valid file whose dtype anneal has no tensor type for. */
  unloadable?: true;
}

const TEST_I32 = '{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}';

export const vectors: Vector[] = [
  // tensor.rs:1383-1395 test_deserialization: the crate's own example file
  { name: 'crate_example', bytes: raw(TEST_I32, 16), ours: 'ok' },
  // tensor.rs:1455-1476 test_metadata_incomplete_buffer
  { name: 'trailing_bytes', bytes: raw(TEST_I32, bin('\0'.repeat(16) + 'extra_bogus_data_for_polyglot_file')), ours: /34 trailing bytes after the tensor data/ },
  { name: 'missing_bytes', bytes: raw(TEST_I32, 14), ours: /truncated: the tensors need 16 data bytes but the file has 14/ },
  // tensor.rs:1479-1488 test_header_too_large (and one byte over the limit, with a small file)
  { name: 'header_too_large', bytes: bin('<\0\0\0\0\xff\xff\xff' + TEST_I32 + '\0'.repeat(16)), ours: /exceeds the safetensors limit of 100000000 bytes/ },
  { name: 'header_one_over_limit', bytes: raw('{}', 0, 100_000_001n), ours: /header length 100000001 exceeds the safetensors limit/ },
  { name: 'header_beyond_file', bytes: raw('{}', 0, 1000n), ours: /header length 1000 exceeds the 2 bytes after the length field/ },
  // tensor.rs:1491-1510 test_header_too_small, test_invalid_header_length
  { name: 'empty_file', bytes: new Uint8Array(0), ours: /too short to be a safetensors file \(0 bytes/ },
  { name: 'length_only', bytes: bin('<\0\0\0\0\0\0\0'), ours: /header length 60 exceeds the 0 bytes/ },
  // tensor.rs:1513-1531 non-UTF-8 and non-JSON headers
  { name: 'header_not_utf8', bytes: bin('\x01\0\0\0\0\0\0\0\xff'), ours: /header is not valid UTF-8/ },
  { name: 'header_not_json', bytes: bin('\x01\0\0\0\0\0\0\0{'), ours: /header is not valid JSON/ },
  { name: 'header_byte_order_mark', bytes: raw('\uFEFF{}'), ours: /header is not valid JSON/ },
  { name: 'header_nul_padding', bytes: raw('{}\0\0\0\0\0\0'), ours: /header is not valid JSON/ },
  { name: 'header_is_array', bytes: raw('[]'), ours: /header is not a JSON object/ },
  // tensor.rs:1533-1551: JSON whitespace may pad the header on either side
  { name: 'header_trailing_whitespace', bytes: raw('{}\r \t\n'), ours: 'ok' },
  { name: 'header_leading_whitespace', bytes: raw('\t\n{}\r '), ours: 'ok' },
  { name: 'empty_header', bytes: raw('{}'), ours: 'ok' },
  // tensor.rs:1553-1563 test_zero_sized_tensor, and zero-size tensors at other offsets
  { name: 'zero_size_tensor', bytes: bin('<\0\0\0\0\0\0\0{"test":{"dtype":"I32","shape":[2,0],"data_offsets":[0, 0]}}'), ours: 'ok' },
  {
    name: 'zero_size_between_tensors',
    bytes: raw(header({ a: entry('F32', [2], 0, 8), z: entry('F32', [0, 3], 8, 8), b: entry('F32', [1], 8, 12) }), 12),
    ours: 'ok',
  },
  { name: 'zero_size_at_end', bytes: raw(header({ a: entry('F32', [2], 0, 8), z: entry('I8', [0], 8, 8) }), 8), ours: 'ok' },
  { name: 'zero_size_inside_tensor', bytes: raw(header({ a: entry('F32', [2], 0, 8), z: entry('F32', [0], 4, 4) }), 8), ours: /tensor 'z' has invalid data_offsets \[4, 4\]: overlaps the tensor before it \(which ends at 8\)/ },
  { name: 'zero_size_past_end', bytes: raw(header({ a: entry('F32', [2], 0, 8), z: entry('F32', [0], 12, 12) }), 8), ours: /tensor 'z' has invalid data_offsets \[12, 12\]: leaves a hole/ },
  // tensor.rs:1565-1574 test_invalid_info
  { name: 'bytes_do_not_match_shape', bytes: raw('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0, 4]}}', 4), ours: /tensor 'test' has 4 bytes but shape \[2, 2\] of I32 needs 16/ },
  // tensor.rs:1577-1597 test_validation_overflow (anneal stops at numbers above 2^53 first)
  {
    name: 'shape_overflows_u64',
    bytes: bin('O\0\0\0\0\0\0\0{"test":{"dtype":"I32","shape":[2,18446744073709551614],"data_offsets":[0,16]}}' + '\0'.repeat(16)),
    ours: /larger than 2\^53 - 1/,
  },
  { name: 'shape_product_overflows_before_zero', bytes: raw(header({ t: entry('I32', [4503599627370496, 4503599627370496, 0], 0, 0) })), ours: /overflows the element count/ },
  { name: 'shape_with_leading_zero_never_overflows', bytes: raw(header({ t: entry('I32', [0, 4503599627370496, 4503599627370496], 0, 0) })), ours: 'ok' },
  { name: 'element_bits_overflow', bytes: raw(header({ t: entry('F64', [4503599627370496, 1024], 0, 0) })), ours: /overflows the byte count/ },
  // tensor.rs:1416-1452 test_json_attack: every tensor claims the same bytes
  {
    name: 'tensors_share_bytes',
    bytes: raw(header(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`weight_${i}`, entry('F32', [2, 2], 0, 16)]))), 16),
    ours: /invalid data_offsets \[0, 16\]: overlaps/,
  },
  // tensor.rs:627-663 Metadata::validate: tensors tile the data section from 0
  { name: 'hole_between_tensors', bytes: raw(header({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }), 12), ours: /tensor 'b' has invalid data_offsets \[8, 12\]: leaves a hole/ },
  { name: 'first_tensor_not_at_zero', bytes: raw(header({ a: entry('F32', [1], 4, 8) }), 8), ours: /tensor 'a' has invalid data_offsets \[4, 8\]: leaves a hole/ },
  { name: 'overlapping_tensors', bytes: raw(header({ x: entry('F32', [2], 0, 8), y: entry('F32', [1], 4, 8) }), 8), ours: /overlaps/ },
  { name: 'end_before_begin', bytes: raw(header({ y: entry('F32', [1], 0, 4), z: entry('F32', [1], 4, 2) }), 8), ours: /tensor 'z' has invalid data_offsets \[4, 2\]: ends before it begins/ },
  { name: 'offsets_in_name_order_not_file_order', bytes: raw(header({ a: entry('F32', [1], 4, 8), b: entry('F32', [1], 0, 4) }), 8), ours: 'ok' },
  // tensor.rs:811-907 the dtype names and sizes
  { name: 'unknown_dtype', bytes: raw(header({ x: entry('Q4', [1], 0, 1) }), 1), ours: /tensor 'x' has unknown dtype "Q4"/ },
  { name: 'lowercase_dtype', bytes: raw(header({ x: entry('f32', [1], 0, 4) }), 4), ours: /unknown dtype "f32"/ },
  { name: 'sub_byte_dtype_misaligned', bytes: raw(header({ x: entry('F4', [3], 0, 2) }), 2), ours: /3 elements of F4 do not fill whole bytes/ },
  { name: 'sub_byte_dtype_aligned', bytes: raw(header({ x: entry('F4', [4], 0, 2) }), 2), ours: /has dtype F4, which anneal cannot load/, unloadable: true },
  { name: 'float8_tensor', bytes: raw(header({ x: entry('F8_E4M3', [2], 0, 2) }), 2), ours: /has dtype F8_E4M3, which anneal cannot load/, unloadable: true },
  { name: 'unsigned_and_wide_ints', bytes: raw(header({ a: entry('U16', [1], 0, 2), b: entry('U32', [1], 2, 6), c: entry('U64', [1], 6, 14), d: entry('I64', [1], 14, 22) }), 22), ours: 'ok' },
  // tensor.rs:540-545 HashMetadata: __metadata__ is Option<HashMap<String, String>>
  { name: 'metadata_strings', bytes: raw('{"__metadata__":{"format":"pt","a":""}}'), ours: 'ok' },
  { name: 'metadata_null', bytes: raw('{"__metadata__":null}'), ours: 'ok' },
  { name: 'metadata_number_value', bytes: raw('{"__metadata__":{"a":1}}'), ours: /the number 1 is not|__metadata__ must be a map of strings to strings/ },
  { name: 'metadata_nested_value', bytes: raw('{"__metadata__":{"a":{"b":"c"}}}'), ours: /__metadata__ must be a map of strings to strings, but "a" is object/ },
  { name: 'metadata_array', bytes: raw('{"__metadata__":["a"]}'), ours: /__metadata__ must be a map of strings to strings/ },
  { name: 'metadata_string', bytes: raw('{"__metadata__":"x"}'), ours: /__metadata__ must be a map of strings to strings/ },
  { name: 'metadata_twice', bytes: raw('{"__metadata__":{"a":"1"},"__metadata__":{"b":"2"}}'), ours: /key "__metadata__" appears twice/ },
  // tensor.rs:799-806 TensorInfo: dtype, shape (usize array), data_offsets (a pair of usize)
  { name: 'offsets_not_a_pair', bytes: raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}', 4), ours: /invalid data_offsets \[0,4,4\]/ },
  { name: 'offsets_missing', bytes: raw('{"x":{"dtype":"F32","shape":[1]}}', 4), ours: /invalid data_offsets undefined/ },
  { name: 'dtype_missing', bytes: raw('{"x":{"shape":[1],"data_offsets":[0,4]}}', 4), ours: /unknown dtype undefined/ },
  { name: 'shape_not_array', bytes: raw('{"x":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}', 4), ours: /invalid shape "1"/ },
  { name: 'negative_offset', bytes: raw('{"x":{"dtype":"F32","shape":[0],"data_offsets":[-0,0]}}'), ours: /the number -0 is not a non-negative integer/ },
  { name: 'fractional_offset', bytes: raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}', 4), ours: /the number 4\.0 is not a non-negative integer/ },
  { name: 'exponent_offset', bytes: raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4e0]}}', 4), ours: /the number 4e0 is not a non-negative integer/ },
  { name: 'tensor_entry_not_object', bytes: raw('{"x":[1,2]}'), ours: /tensor 'x' must be an object/ },
  { name: 'unknown_field_in_tensor', bytes: raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"note":"hi"}}', 4), ours: 'ok' },
  // JavaScript object keys that must stay ordinary names
  { name: 'object_prototype_names', bytes: raw(header({ constructor: entry('F32', [1], 0, 4), toString: entry('F32', [1], 4, 8), hasOwnProperty: entry('F32', [0], 8, 8) }), 8), ours: 'ok' },
  { name: 'proto_tensor_name', bytes: raw('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), ours: /tensor name "__proto__" is not allowed/, stricter: 'never a real tensor name; refused so no caller can copy it into an ordinary object' },
  { name: 'proto_metadata_key', bytes: raw('{"__metadata__":{"__proto__":"x"}}'), ours: /__metadata__ key "__proto__" is not allowed/, stricter: 'as for the tensor name' },
  { name: 'tensor_name_twice', bytes: raw('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), ours: /key "x" appears twice/, stricter: 'serde keeps the last of a repeated tensor name; a file with two is ambiguous' },
  { name: 'lone_surrogate_name', bytes: raw('{"\\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4), ours: /lone UTF-16 surrogate/ },
  { name: 'unicode_name', bytes: raw(header({ 'poids.α': entry('F32', [1], 0, 4) }), 4), ours: 'ok' },
];
