import { isBuiltin } from 'node:module';
import ts from 'typescript';

/** One reference from a source file to an npm package. */
export interface PackageImport {
  /** The package, `@scope/name` or `name`. */
  readonly packageName: string;
  /** As written: `aws-cdk-lib/aws-kms`. */
  readonly specifier: string;
  /** True when nothing of it is left at run time (`import type`, `export type`, `import('x').T` in a type). */
  readonly typeOnly: boolean;
}

/**
 * The npm package a module specifier names, or `undefined` for relative paths, absolute paths and Node
 * built-ins (`node:fs`, `fs`).
 *
 * @example
 * packageNameOf('@aws-sdk/client-dynamodb'); // '@aws-sdk/client-dynamodb'
 * packageNameOf('aws-cdk-lib/aws-kms'); // 'aws-cdk-lib'
 */
export const packageNameOf = (specifier: string): string | undefined => {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

const stringArgument = (call: ts.CallExpression): string | undefined => {
  const first = call.arguments[0];
  return first !== undefined && ts.isStringLiteralLike(first) ? first.text : undefined;
};

/** `require(x)`, `require.resolve(x)`, `import.meta.resolve(x)`, `import(x)`: the specifier, if literal. */
const calledSpecifier = (call: ts.CallExpression): string | undefined => {
  const callee = call.expression;
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return stringArgument(call);
  if (ts.isIdentifier(callee) && callee.text === 'require') return stringArgument(call);
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve') {
    const target = callee.expression;
    if (ts.isIdentifier(target) && target.text === 'require') return stringArgument(call);
    if (ts.isMetaProperty(target)) return stringArgument(call);
  }
  return undefined;
};

/**
 * Every npm package a TypeScript or JavaScript source refers to: static and dynamic imports, re-exports,
 * `require`, `require.resolve` and `import.meta.resolve` with a literal specifier, and `import('x')` types.
 * Specifiers in comments and strings elsewhere are not references.
 *
 * @example
 * packageImports('a.ts', "import type { Context } from 'aws-lambda';"); // [{ packageName: 'aws-lambda', typeOnly: true, … }]
 */
export const packageImports = (fileName: string, text: string): PackageImport[] => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: PackageImport[] = [];
  const add = (specifier: string, typeOnly: boolean): void => {
    const packageName = packageNameOf(specifier);
    if (packageName !== undefined) found.push({ packageName, specifier, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteralLike(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly === true);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteralLike(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteralLike(argument.literal)) {
        add(argument.literal.text, true);
      }
    } else if (ts.isCallExpression(node)) {
      const specifier = calledSpecifier(node);
      if (specifier !== undefined) add(specifier, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
};
