import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GqlResponse {
  readonly status: number;
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: Array<{ message: string; extensions?: { code?: string } }> | undefined;
}

/** A GraphQL operation over real HTTP (POST /graphql). */
export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GqlResponse> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown> | null; errors?: GqlResponse['errors'] };
  return { status: res.status, data: body.data, errors: body.errors };
}

/** A graphql-ws client over a real WebSocket, authenticated with connectionParams. */
export function wsClient(url: string, token: string | undefined, onClose?: (code: number) => void): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: onClose ? { closed: (e) => onClose((e as { code: number }).code) } : {},
  });
}
