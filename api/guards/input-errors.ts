import { GraphQLError, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The argument whose value contains `node` (by source position), or that uses `$variable`. */
function argumentFor(document: DocumentNode, match: { start?: number; variable?: string }): string | undefined {
  let found: string | undefined;
  visit(document, {
    Argument(arg) {
      if (found) return;
      const loc = arg.value.loc;
      if (match.start !== undefined && loc && loc.start <= match.start && match.start < loc.end) found = arg.name.value;
      if (match.variable) {
        visit(arg.value, { Variable: (v) => void (v.name.value === match.variable && (found ??= arg.name.value)) });
      }
    },
  });
  return found;
}

// graphql-js's own wording for a value of the wrong type (ValuesOfCorrectTypeRule, variable coercion, missing arguments).
const VALUE_ERROR =
  /^Expected value of type|does not exist in ".*" enum|^Int cannot represent|^String cannot represent|^Float cannot represent|^Boolean cannot represent|cannot represent non/;

/** Rewrites one graphql-js input error as BAD_USER_INPUT naming the argument, or null if it is not one. */
export function asBadUserInput(error: GraphQLError, document: DocumentNode | undefined): GraphQLError | null {
  const variable = /^Variable "\$(\w+)" got invalid value/.exec(error.message)?.[1];
  const missing = /argument "(\w+)" of type ".*" is required/.exec(error.message)?.[1];
  let argument: string | undefined;
  if (variable) argument = (document && argumentFor(document, { variable })) ?? `$${variable}`;
  else if (missing) argument = missing;
  else if (VALUE_ERROR.test(error.message)) argument = document && argumentFor(document, { start: (error.nodes?.[0] as ASTNode | undefined)?.loc?.start });
  else return null;
  if (!argument) return null;
  return new GraphQLError(`${argument}: ${error.message}`, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', argument, http: { status: 400 } } });
}

/**
 * Every user mistake is BAD_USER_INPUT naming the argument: graphql-js reports a bad enum value
 * or scalar as a validation error, and a bad variable without any code.
 */
export function inputErrorsPlugin(): Plugin {
  return {
    onValidate:
      ({ params }) =>
      ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(result.map((e) => asBadUserInput(e, params.documentAST) ?? e));
      },
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!('errors' in result) || !result.errors?.length || result.data) return;
        setResult({ ...result, errors: result.errors.map((e) => asBadUserInput(e, args.document) ?? e) });
      },
    }),
  };
}
