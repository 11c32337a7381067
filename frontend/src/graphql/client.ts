import { Client, cacheExchange, fetchExchange, mapExchange, type CombinedError } from 'urql';

/**
 * The app's GraphQL client. Requests carry the session cookie; a 401 (the session
 * ended) calls onUnauthenticated, which sends the person to sign in and back.
 */
export function createClient(onUnauthenticated: () => void): Client {
  return new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin' },
    requestPolicy: 'cache-and-network',
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}

/** Whether the server answered 401: the session ended (or there never was one). */
export function isUnauthenticated(error: CombinedError | undefined): boolean {
  // urql keeps fetch's Response but types it as any.
  return (error?.response as Response | undefined)?.status === 401;
}

/** The code of a GraphQL error (extensions.code), or undefined. */
export function errorCode(error: { graphQLErrors?: { extensions?: Record<string, unknown> }[] } | undefined) {
  return error?.graphQLErrors?.[0]?.extensions?.code as string | undefined;
}

/**
 * The input field a BAD_USER_INPUT error blames (extensions.field), for showing the message
 * on that field; undefined for any other error.
 */
export function badInputField(error: { graphQLErrors?: { extensions?: Record<string, unknown> }[] } | undefined): string | undefined {
  const extensions = error?.graphQLErrors?.[0]?.extensions;
  return extensions?.code === 'BAD_USER_INPUT' && typeof extensions.field === 'string' ? extensions.field : undefined;
}

/** What went wrong, for a form: the message, and the input field the server blamed, if any. */
export type FieldError = { error: string; field?: string };

/** A failed operation's FieldError: the message goes on the field a BAD_USER_INPUT error names (extensions.field). */
export function fieldError(error: CombinedError | undefined): FieldError {
  return { error: errorMessage(error), field: badInputField(error) };
}

/** A message fit to show a person for a failed operation. */
export function errorMessage(error: { graphQLErrors?: { message: string }[]; networkError?: Error } | undefined): string {
  if (!error) return '';
  if (error.graphQLErrors?.length) return error.graphQLErrors.map((e) => e.message).join('; ');
  if (error.networkError) return 'The server could not be reached. Check your connection and try again.';
  return 'Something went wrong. Try again.';
}
