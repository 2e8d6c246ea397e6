import type { Inputs } from "./inputs.js";
import type { WriteAccess } from "./permissions.js";
import { type GitHubPort, type IssueComment, type Logger, WriteDeniedError } from "./ports.js";

/** The hidden marker that identifies the Action's one sticky comment on a pull request. */
export const COMMENT_MARKER = "<!-- scout/secure-deploy: sticky comment -->";
const CHECK_LINE = "<!-- scout/secure-deploy: check ";
const RUN_LINE = /^<!-- scout\/secure-deploy: run (\d+)\.(\d+) -->$/;

/**
 * The hidden line that tells which check a comment reports: the name input, else what it
 * checks and how (a matrix over environments often differs only in helm-values or the
 * Kubernetes version). Two jobs (or matrix legs) on one pull request keep a comment each
 * instead of overwriting one another's findings.
 */
export function checkLine(inputs: CheckInputs): string {
  return lineOf(inputs.name ?? [legacyKey(inputs), ...variant(inputs)].join(" "));
}

/** The line older versions wrote (name, else config, else manifests): their comment is taken over. */
export function legacyCheckLine(inputs: CheckInputs): string {
  return lineOf(inputs.name ?? legacyKey(inputs));
}

type CheckInputs = Pick<Inputs, "name" | "config" | "manifests" | "helm" | "kubernetesVersion">;

function legacyKey(inputs: CheckInputs): string {
  return inputs.config ?? inputs.manifests.join(", ");
}

/** What else sets the check apart; of helm-set only the keys: its values may be secrets. */
function variant(inputs: CheckInputs): string[] {
  const helm = inputs.helm ?? {};
  const parts: [string, string | undefined][] = [
    [
      "manifests",
      inputs.config && inputs.manifests.length ? inputs.manifests.join(", ") : undefined,
    ],
    ["helm-values", helm.values?.join(", ")],
    ["helm-set", helm.set?.map((pair) => pair.split("=")[0]).join(", ")],
    ["helm-namespace", helm.namespace],
    ["helm-release-name", helm.releaseName],
    ["kubernetes-version", inputs.kubernetesVersion],
  ];
  return parts.filter(([, value]) => value).map(([input, value]) => `${input}=${value}`);
}

function lineOf(key: string): string {
  // An HTML comment cannot hold "--".
  return `${CHECK_LINE}${encodeURIComponent(key).replaceAll("-", "%2D")} -->`;
}

/** The workflow run (GITHUB_RUN_ID) and attempt that wrote a comment: a later event, a greater id. */
export interface RunStamp {
  id: number;
  attempt: number;
}

export function runLine(run: RunStamp): string {
  return `<!-- scout/secure-deploy: run ${run.id}.${run.attempt} -->`;
}

function stampOf(body: string): RunStamp | undefined {
  const match = headerOf(body)
    .map((line) => RUN_LINE.exec(line))
    .find(Boolean);
  return match ? { id: Number(match[1]), attempt: Number(match[2]) } : undefined;
}

function isLater(a: RunStamp, b: RunStamp): boolean {
  return a.id > b.id || (a.id === b.id && a.attempt > b.attempt);
}

export interface StickyComment {
  issue: number;
  /** The whole body, header lines included. */
  body: string;
  check: string;
  /** The check line of the same check in older versions, when it differs. */
  legacyCheck?: string;
  run?: RunStamp;
  commentAuthor: string | undefined;
}

export interface StickyDeps {
  log: Logger;
  github: GitHubPort | undefined;
  access: WriteAccess;
}

/**
 * One comment per pull request and check, updated on every push. Ours is the oldest with the
 * marker and this check's line AND written by the identity the token posts as: anyone can paste
 * the marker into a comment of their own, and editing theirs would put our report under their
 * name (or be refused). A marked comment without a check line (written before there were
 * several) is taken over when no comment has ours.
 */
export async function upsertComment(comment: StickyComment, deps: StickyDeps): Promise<void> {
  if (!deps.github || !deps.access.allowed) return deps.access.skip("the pull request comment");
  const github = deps.github;
  try {
    const self = comment.commentAuthor
      ? { login: comment.commentAuthor, source: "input comment-author" }
      : await github.identity();
    deps.log.info(`Our pull request comment is the one by ${self.login} (${self.source})`);
    const ours = oursOf(await github.listComments(comment.issue), self.login, comment);
    const [existing, ...duplicates] = ours;
    if (!existing) return await createAndSettle(comment, self.login, deps, github);
    await removeDuplicates(duplicates, deps.log, github);
    await updateOrRecreate(existing, comment, deps.log, github);
  } catch (error) {
    // A comment is never a reason to fail the run, and its permission (pull-requests: write) is
    // not the status's (statuses: write): a refused comment leaves the status to be tried.
    if (error instanceof WriteDeniedError) {
      deps.log.info(
        `Skipping the pull request comment: GitHub refused it (${error.answer}); the job needs pull-requests: write, on a pull request that is not locked. Other writes still go ahead.`,
      );
    } else {
      deps.log.warning(`could not post the pull request comment: ${(error as Error).message}`);
    }
  }
}

/**
 * Our comments for this check, oldest first (GitHub lists them so); else the one an older
 * version wrote for it (its check line, or none at all). Ours open with the marker and hidden
 * lines: another tool posting as the same bot that quotes our comment has them elsewhere, and
 * is never edited, nor deleted as a duplicate.
 */
function oursOf(
  comments: IssueComment[],
  login: string,
  { check, legacyCheck }: Pick<StickyComment, "check" | "legacyCheck">,
): IssueComment[] {
  const marked = comments
    .filter((c) => c.author === login && c.body.startsWith(COMMENT_MARKER))
    .map((c) => ({ comment: c, header: headerOf(c.body) }));
  const checked = marked.filter((c) => c.header.includes(check));
  if (checked.length) return checked.map((c) => c.comment);
  const legacy =
    (legacyCheck && marked.find((c) => c.header.includes(legacyCheck))) ||
    marked.find((c) => !c.header.some((line) => line.startsWith(CHECK_LINE)));
  return legacy ? [legacy.comment] : [];
}

/** The hidden lines a comment of ours opens with: the marker, the check, the run. */
function headerOf(body: string): string[] {
  const lines = body.split("\n");
  const end = lines.findIndex((line) => !line.startsWith("<!-- scout/secure-deploy: "));
  return lines.slice(0, end < 0 ? lines.length : end);
}

/**
 * Two runs of one pull request (a push during a run, a re-run) may each find no comment and
 * create one. Read again after creating: when an older one of ours exists, ours moves into it
 * and is deleted, so racing runs settle on the oldest and leave one comment.
 */
async function createAndSettle(
  comment: StickyComment,
  login: string,
  deps: StickyDeps,
  github: GitHubPort,
): Promise<void> {
  const created = await github.createComment(comment.issue, comment.body);
  deps.log.info(`created the pull request comment ${created.id}`);
  const [oldest] = oursOf(await github.listComments(comment.issue), login, comment);
  if (!oldest || oldest.id === created.id) return;
  deps.log.info(
    `another run created the pull request comment ${oldest.id} at the same time; keeping that one`,
  );
  await github.deleteComment(created.id);
  await updateOrRecreate(oldest, comment, deps.log, github);
}

async function removeDuplicates(
  duplicates: IssueComment[],
  log: Logger,
  github: GitHubPort,
): Promise<void> {
  for (const duplicate of duplicates) {
    await github.deleteComment(duplicate.id);
    log.info(`deleted the pull request comment ${duplicate.id}, a duplicate of ours`);
  }
}

/**
 * The report of a later run stays (runs of one pull request may finish out of order); a
 * comment deleted since it was listed (404) is created again.
 */
async function updateOrRecreate(
  existing: IssueComment,
  comment: StickyComment,
  log: Logger,
  github: GitHubPort,
): Promise<void> {
  const theirs = stampOf(existing.body);
  if (theirs && comment.run && isLater(theirs, comment.run)) {
    log.info(
      `the pull request comment ${existing.id} holds the report of a later run (${theirs.id}, attempt ${theirs.attempt}); leaving it`,
    );
    return;
  }
  try {
    await github.updateComment(existing.id, comment.body);
    log.info(`updated the pull request comment ${existing.id}`);
  } catch (error) {
    if (!(error instanceof WriteDeniedError && error.status === 404)) throw error;
    const created = await github.createComment(comment.issue, comment.body);
    log.info(
      `the pull request comment ${existing.id} was deleted meanwhile; created ${created.id}`,
    );
  }
}
