import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { RESOLVERS } from './graphql.module.js';

/** The committed schema file, relative to the project root. */
export const SCHEMA_FILE = 'src/graphql/schema.gql';
export const REGENERATE = 'npm run graphql:schema';

/** The schema as SDL, sorted: what `npm run graphql:schema` writes to src/graphql/schema.gql. */
export function schemaText(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** Builds the schema from the resolvers, without a database or a server. */
export async function generateSchemaText(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    return schemaText(await app.get(GraphQLSchemaFactory).create(RESOLVERS));
  } finally {
    await app.close();
  }
}
