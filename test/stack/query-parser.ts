/**
 * Parses PromQL, LogQL and TraceQL with the lezer grammars Grafana's own query editors
 * use, and reports every syntax error node.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import type { QueryLanguage } from './stack-queries.ts';

/** A lezer syntax tree (the type of every parser's result). */
export type SyntaxTree = ReturnType<typeof promqlParser.parse>;
/** A node of a lezer syntax tree. */
export type SyntaxNode = SyntaxTree['topNode'];

const PARSERS = { promql: promqlParser, logql: logqlParser, traceql: traceqlParser } as const;

export interface ParseResult {
  tree: SyntaxTree;
  /** One entry per error node: offset and the text around it. Empty when the expression parses. */
  errors: string[];
}

/** Parses an expression; lezer recovers from errors, so they are collected, not thrown. */
export function parseQuery(language: QueryLanguage, expr: string): ParseResult {
  const tree = PARSERS[language].parse(expr);
  const errors: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        const near = expr.slice(Math.max(0, node.from - 10), node.to + 10);
        errors.push(`syntax error at offset ${node.from} near "${near}"`);
      }
    },
  });
  if (expr.trim() === '') errors.push('empty expression');
  return { tree, errors };
}

/** Direct children of a node. */
export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}
