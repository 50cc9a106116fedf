// Retrieval over a project's knowledge base: each entry (its question, question variants, keywords
// and answer) indexed once with MiniSearch (BM25, field boosts, typo tolerance) on the concept
// terms of text-terms.ts, and a confidence that says how much of the visitor's question the best
// entry covers. A shared word alone never selects an entry; with an embeddings engine the caller
// passes vector similarities and the ranking is hybrid. Pure: no I/O, built once per knowledge base.
import MiniSearch, { type SearchResult } from "minisearch";
import type { KnowledgeEntry } from "../settings";
import { conceptOf, tokenize, analyzeTerms } from "../text-terms";

/** How similar an entry is to the question by meaning (an embeddings engine's view), 0–1 after calibration. */
export interface VectorHit {
  entryId: string;
  /** Cosine similarity mapped to 0–1 by the engine's calibration (0: unrelated, 1: the same question). */
  score: number;
}

export interface Retrieved {
  entry: KnowledgeEntry;
  entryId: string;
  /** The text search's BM25 score (0 when only the vector search found it). */
  score: number;
  /** Share of the question's weight (rare words weigh more) that the entry covers, 0–1. */
  coverage: number;
  /** The question's concepts this entry matched. */
  matched: string[];
  /** The calibrated vector score, when an embeddings engine took part. */
  vector?: number;
  /** What the answer threshold is compared with: coverage, or the hybrid of coverage and vector score. */
  confidence: number;
}

export interface Retrieval {
  /** The entry that answers the question, or null: the bot then says it does not know. */
  best: Retrieved | null;
  /** The ranked entries worth showing an LLM (best first), including `best`. */
  candidates: Retrieved[];
  /** The question's concepts, deduplicated. */
  terms: string[];
}

/** Confidence from which an entry answers the question (calibrated on eval/, see docs/escalation.md). */
export const ANSWER_CONFIDENCE = 0.5;
/** Confidence from which an entry is shown to an LLM as context, without answering by itself. */
export const CANDIDATE_CONFIDENCE = 0.3;
/** A vector score this high selects an entry even when the words barely overlap (a true paraphrase). */
export const STRONG_VECTOR = 0.75;
/** How many candidates an LLM is grounded in, at most. */
export const MAX_CANDIDATES = 3;

const BOOST = { question: 2, variants: 2, keywords: 2.5, answer: 0.6 };

interface Doc {
  id: number;
  question: string;
  variants: string;
  keywords: string;
  answer: string;
}

/** The index of one knowledge base. Build it with `knowledgeIndexFor`, which keeps one per knowledge base. */
export class KnowledgeIndex {
  private readonly search: MiniSearch<Doc>;
  /** In how many entries each concept appears (any field): rare concepts weigh more. */
  private readonly documentFrequency = new Map<string, number>();
  private readonly ids: string[];

  constructor(private readonly entries: readonly KnowledgeEntry[]) {
    this.ids = entries.map((e, i) => e.id ?? `kb${i}`);
    this.search = new MiniSearch<Doc>({
      fields: ["question", "variants", "keywords", "answer"],
      tokenize,
      processTerm: (term) => conceptOf(term),
      searchOptions: {
        boost: BOOST,
        // Typos in longer words ("integratoin", "secuirty"); short words and words the knowledge
        // base already uses must match exactly (fuzzy search is the costly part of a query).
        fuzzy: (term) => (term.length >= 6 && !this.documentFrequency.has(term) ? 0.2 : false),
        weights: { fuzzy: 0.6, prefix: 0.3 },
        combineWith: "OR",
      },
    });
    const docs = entries.map((e, id) => ({
      id,
      question: e.question,
      variants: (e.variants ?? []).join("\n"),
      keywords: e.keywords.join("\n"),
      answer: e.answer,
    }));
    this.search.addAll(docs);
    for (const doc of docs) {
      for (const concept of new Set(analyzeTerms(`${doc.question}\n${doc.variants}\n${doc.keywords}\n${doc.answer}`))) {
        this.documentFrequency.set(concept, (this.documentFrequency.get(concept) ?? 0) + 1);
      }
    }
  }

  /** The entry that answers `text`, if any, and the ranked candidates; `vector` adds an embeddings engine's view. */
  retrieve(text: string, vector: readonly VectorHit[] = []): Retrieval {
    const terms = [...new Set(analyzeTerms(text))];
    if (this.entries.length === 0) return { best: null, candidates: [], terms };
    // A word no entry uses weighs like a rare one: it may be the topic ("chairs") or filler ("realistically").
    const weight = (term: string) => Math.log(1 + this.entries.length / (Math.max(1, this.documentFrequency.get(term) ?? 0) + 0.5));
    const total = terms.reduce((sum, t) => sum + weight(t), 0);
    const byId = new Map<number, Retrieved>();
    const results: SearchResult[] = terms.length ? this.search.search(text) : [];
    for (const result of results) {
      const matched = [...new Set(result.queryTerms)];
      const coverage = total > 0 ? matched.reduce((sum, t) => sum + weight(t), 0) / total : 0;
      const id = result.id as number;
      byId.set(id, { entry: this.entries[id]!, entryId: this.ids[id]!, score: result.score, coverage, matched, confidence: coverage });
    }
    for (const hit of vector) {
      const id = this.ids.indexOf(hit.entryId);
      if (id < 0) continue;
      const score = Math.min(1, Math.max(0, hit.score));
      const found = byId.get(id) ?? { entry: this.entries[id]!, entryId: hit.entryId, score: 0, coverage: 0, matched: [], confidence: 0 };
      // Hybrid: the vector view can lift a paraphrase that shares few words, never sink a clear text match.
      byId.set(id, { ...found, vector: score, confidence: Math.max(found.coverage, 0.4 * found.coverage + 0.6 * score) });
    }
    const ranked = [...byId.values()].sort((a, b) => b.confidence - a.confidence || b.score - a.score);
    const top = ranked[0];
    const best = top && answers(top, terms.length) ? top : null;
    const candidates = ranked.filter((r) => r === best || r.confidence >= CANDIDATE_CONFIDENCE).slice(0, MAX_CANDIDATES);
    return { best, candidates, terms };
  }
}

/**
 * Whether the top entry answers the question: enough confidence, and more than one shared word
 * unless the question has only one (a lone "office" in "do you sell office chairs?" is not a hit;
 * "pricing?" is). A strong vector score stands on its own.
 */
function answers(top: Retrieved, questionTerms: number): boolean {
  if (top.confidence < ANSWER_CONFIDENCE) return false;
  if (top.vector !== undefined && top.vector >= STRONG_VECTOR) return true;
  return top.matched.length >= Math.min(2, questionTerms);
}

const cache = new WeakMap<readonly KnowledgeEntry[], KnowledgeIndex>();

/** The index of `knowledgeBase`, built on first use and kept as long as that settings object lives. */
export function knowledgeIndexFor(knowledgeBase: readonly KnowledgeEntry[]): KnowledgeIndex {
  let index = cache.get(knowledgeBase);
  if (!index) {
    index = new KnowledgeIndex(knowledgeBase);
    cache.set(knowledgeBase, index);
  }
  return index;
}
