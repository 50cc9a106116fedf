// Types the worker's own exports as the tests reach them through `cloudflare:workers`.
declare namespace Cloudflare {
  interface Exports {
    default: Fetcher;
  }
}
