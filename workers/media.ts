import type { JobPayload } from "~/domain/jobs/queues";
import { processMedia, purgeMediaObjects } from "~/domain/media/media.server";

import { startProcessor } from "./processor";

/**
 * Product media: webp renditions with sharp and video posters with ffmpeg (CPU-bound, so few at
 * a time per process; run more worker processes to go faster), and purging deleted media's objects.
 */
export function startMediaWorker() {
  return startProcessor(
    "media",
    {
      process: (payload: JobPayload<"media", "process">) => processMedia(payload),
      "purge-objects": (payload: JobPayload<"media", "purge-objects">) => purgeMediaObjects(payload),
    },
    { concurrency: 2 },
  );
}
