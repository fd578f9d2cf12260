// Generates the TypeScript types of the spec (argv[2]) into argv[3] with openapi-typescript.
// `format: binary` becomes `Blob`, what openapi-fetch reads a file response as and what a
// multipart upload sends (openapi-typescript's documented `transform` hook); nothing else is
// changed. Every warning the generator prints fails `make clients` (scripts/clients/run.sh).
import fs from "node:fs";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [spec, out] = process.argv.slice(2);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const ast = await openapiTS(new URL(`file://${path.resolve(spec)}`), {
  transform(schema) {
    if (schema.format === "binary") return BLOB;
    return undefined;
  },
});
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, astToString(ast));
console.log(`openapi-typescript: ${out}`);
