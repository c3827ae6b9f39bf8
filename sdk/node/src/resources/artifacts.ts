/** Artifacts: the record with a fresh signed link, and the file itself. */

import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { APIClient, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";
import type { Artifact, ArtifactListParams, ArtifactRetrieveParams, ArtifactUpdateParams } from "../types.js";

/** A downloaded artifact: `content` in memory, `saveTo(path)` to write it. */
export class ArtifactFile {
  constructor(
    readonly artifact: Artifact,
    readonly content: Buffer,
    readonly contentType: string,
    readonly filename: string,
  ) {}

  /** The file as text (CSV and JSON are UTF-8). */
  text(): string {
    return this.content.toString("utf8");
  }

  /** Write the file to `path` (a directory gets the server's file name); resolves to the path. */
  async saveTo(path: string): Promise<string> {
    let target = path;
    const existing = await stat(path).catch(() => null);
    if (existing?.isDirectory()) target = join(path, this.filename);
    await mkdir(dirname(target), { recursive: true });
    // Written beside the target and renamed, so a reader never sees half a file.
    const partial = join(dirname(target), `.${basename(target)}.part`);
    await writeFile(partial, this.content);
    await rename(partial, target);
    return target;
  }
}

function filenameOf(response: Response): string | undefined {
  const match = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "");
  return match ? basename(match[1]!) : undefined;
}

export class Artifacts {
  constructor(private readonly client: APIClient) {}

  /** The artifact record with a fresh `download_url` (`format`: csv, json, xlsx). */
  retrieve(artifactId: string, params: ArtifactRetrieveParams = {}, options?: RequestOptions): Promise<Artifact> {
    return this.client.request({ method: "GET", path: `artifacts/${encodeURIComponent(artifactId)}`, query: params, options });
  }

  /** Download the file: `await (await leadex.artifacts.download(id)).saveTo("./leads.csv")`. */
  async download(
    artifactId: string,
    params: ArtifactRetrieveParams = {},
    options?: RequestOptions,
  ): Promise<ArtifactFile> {
    const artifact = await this.retrieve(artifactId, params, options);
    if (!artifact.download_url) {
      throw new Error(`Artifact ${artifact.id}'s files were purged${artifact.purged_at ? ` on ${artifact.purged_at}` : ""}.`);
    }
    // The signed link is its own authorization: the API key never goes to the file's host.
    const link = new URL(artifact.download_url, this.client.baseURL).toString();
    const { response } = await this.client.send({ method: "GET", path: link, accept: "*/*", anonymous: true, options });
    const content = Buffer.from(await response.arrayBuffer());
    return new ArtifactFile(
      artifact,
      content,
      response.headers.get("content-type") ?? "application/octet-stream",
      filenameOf(response) ?? `${artifact.id}.${artifact.format}`,
    );
  }

  /** The organization's artifacts, newest first. */
  list(params: ArtifactListParams = {}, options?: RequestOptions): PagePromise<Artifact> {
    return new PagePromise(this.client, { method: "GET", path: "artifacts", query: params, options });
  }

  /** Mark an artifact shareable (publishable keys can read it) or not. */
  update(artifactId: string, body: ArtifactUpdateParams, options?: RequestOptions): Promise<Artifact> {
    return this.client.request({ method: "POST", path: `artifacts/${encodeURIComponent(artifactId)}`, body, options });
  }
}
