import { urls } from './read-fields.ts';
import type { KieVideoTaskRequest } from './types.ts';

/**
 * The JSON body of POST /api/v1/veo/generate (kie-api.md §8) for a request whose `input` is what the bot
 * stores: the prompt and catalog options under Veo's camelCase keys, and the user's photo under
 * `image_urls` like every other model. Veo takes the photo as `imageUrls`, `duration` as an integer
 * (catalog options are strings), and `generationType` FIRST_AND_LAST_FRAMES_2_VIDEO for one or two
 * frames (TEXT_2_VIDEO without); `model`, `callBackUrl` and `generationType` never come from `input`.
 */
export function veoRequestBody(request: KieVideoTaskRequest): Record<string, unknown> {
  const {
    image_urls,
    imageUrls,
    duration,
    model: _model,
    callBackUrl: _callBackUrl,
    ...rest
  } = request.input;
  const images = urls(imageUrls) ?? urls(image_urls) ?? [];
  const seconds = typeof duration === 'string' && /^\d+$/.test(duration) ? Number(duration) : duration;
  return {
    ...rest,
    ...(images.length > 0 && { imageUrls: images }),
    generationType: images.length > 0 ? 'FIRST_AND_LAST_FRAMES_2_VIDEO' : 'TEXT_2_VIDEO',
    ...(seconds !== undefined && { duration: seconds }),
    model: request.model,
    ...(request.callBackUrl && { callBackUrl: request.callBackUrl }),
  };
}
