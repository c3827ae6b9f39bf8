/** Cursor pages: `await` one page, or `for await` every item across pages. */

import type { APIClient, Call } from "./core.js";

export interface PageBody<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
  total?: number | null;
}

/** One page of a list, and the way to the next one. */
export class Page<T> implements AsyncIterable<T> {
  readonly data: T[];
  readonly has_more: boolean;
  readonly next_cursor: string | null;
  readonly total: number | null;

  constructor(
    private readonly client: APIClient,
    private readonly call: Call,
    body: PageBody<T>,
  ) {
    this.data = body.data;
    this.has_more = body.has_more;
    this.next_cursor = body.next_cursor;
    this.total = body.total ?? null;
  }

  hasNextPage(): boolean {
    return this.has_more && !!this.next_cursor;
  }

  /** The page after this one (check `hasNextPage()` first). */
  async getNextPage(): Promise<Page<T>> {
    if (!this.hasNextPage()) throw new Error("This is the last page.");
    return fetchPage<T>(this.client, {
      ...this.call,
      query: { ...(this.call.query ?? {}), cursor: this.next_cursor },
    });
  }

  /** Every item from this page on. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let page: Page<T> = this;
    for (;;) {
      yield* page.data;
      if (!page.hasNextPage()) return;
      page = await page.getNextPage();
    }
  }
}

async function fetchPage<T>(client: APIClient, call: Call): Promise<Page<T>> {
  return new Page<T>(client, call, await client.request<PageBody<T>>(call));
}

/** What list methods return: awaiting it gives the first page, `for await` walks every item. */
export class PagePromise<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  private readonly first: Promise<Page<T>>;

  constructor(client: APIClient, call: Call) {
    this.first = fetchPage<T>(client, call);
    // Not an unhandled rejection if the caller only iterates (the iterator rethrows it).
    this.first.catch(() => undefined);
  }

  then<A = Page<T>, B = never>(
    onfulfilled?: ((value: Page<T>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.first.then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Page<T> | B> {
    return this.first.catch(onrejected);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.first;
  }
}
