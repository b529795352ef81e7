#!/usr/bin/env node
// Writes the GraphQL schema generated from the resolvers to src/graphql/schema.gql.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { generateSchemaText, SCHEMA_FILE } = await import(join(root, 'dist/src/graphql/schema-text.js'));
writeFileSync(join(root, SCHEMA_FILE), await generateSchemaText());
console.log(`wrote ${SCHEMA_FILE}`);
