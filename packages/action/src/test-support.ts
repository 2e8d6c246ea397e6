import type { Annotation } from "@scout-deploy/report";
import {
  type CommitStatus,
  type GitHubPort,
  type Identity,
  type IssueComment,
  type Logger,
  type Runner,
  WriteDeniedError,
} from "./ports.js";

/** A logger that keeps its lines. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    debug: () => {},
  };
}

/** A runner that keeps what the Action writes. */
export function memoryRunner(inputs: Record<string, string>): Runner & {
  outputs: Record<string, string>;
  summary: string[];
  annotations: Annotation[];
  failed: string[];
} {
  const runner = {
    outputs: {} as Record<string, string>,
    summary: [] as string[],
    annotations: [] as Annotation[],
    failed: [] as string[],
    input: (name: string) => inputs[name] ?? "",
    setOutput: (name: string, value: string) => {
      runner.outputs[name] = value;
    },
    appendSummary: async (markdown: string) => {
      runner.summary.push(markdown);
    },
    annotate: (annotation: Annotation) => {
      runner.annotations.push(annotation);
    },
    setFailed: (message: string) => {
      runner.failed.push(message);
    },
  };
  return runner;
}

/** GitHub in memory, posting as `self`; `fail` makes a method throw the given error. */
export function memoryGitHub(self = "github-actions[bot]"): GitHubPort & {
  comments: IssueComment[];
  statuses: CommitStatus[];
  fail: Partial<Record<keyof GitHubPort, Error>>;
} {
  const state = {
    comments: [] as IssueComment[],
    statuses: [] as CommitStatus[],
    fail: {} as Partial<Record<keyof GitHubPort, Error>>,
  };
  let lastId = 0;
  const check = (name: keyof GitHubPort) => {
    if (state.fail[name]) throw state.fail[name];
  };
  return {
    ...state,
    async identity(): Promise<Identity> {
      check("identity");
      return { login: self, source: "the in-memory GitHub" };
    },
    async listComments() {
      check("listComments");
      return [...state.comments];
    },
    async createComment(_issue, body) {
      check("createComment");
      // GitHub never gives a deleted comment's id again.
      const comment = {
        id: Math.max(0, ...state.comments.map((c) => c.id), lastId) + 1,
        body,
        author: self,
      };
      lastId = comment.id;
      state.comments.push(comment);
      return comment;
    },
    async updateComment(id, body) {
      check("updateComment");
      const comment = state.comments.find((c) => c.id === id);
      if (!comment) throw new WriteDeniedError("Not Found", 404);
      comment.body = body;
      return comment;
    },
    async deleteComment(id) {
      check("deleteComment");
      const at = state.comments.findIndex((c) => c.id === id);
      if (at < 0) throw new WriteDeniedError("Not Found", 404);
      state.comments.splice(at, 1);
    },
    async createStatus(status) {
      check("createStatus");
      state.statuses.push(status);
    },
    async listStatuses(sha) {
      check("listStatuses");
      return state.statuses.filter((status) => status.sha === sha).reverse();
    },
  };
}
