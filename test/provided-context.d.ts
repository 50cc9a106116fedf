// Values the vitest global setups hand to test configs and tests through provide/inject.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    fakeOpenAIUrl: string;
    fakeSlackUrl: string;
    fakeHubSpotUrl: string;
    fakeReceiverUrl: string;
  }
}
