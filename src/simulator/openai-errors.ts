import { type Headers, retryAfterHeaders } from "./http-exchange.js";
import type { SimulatedFailure } from "./simulator-core.js";

/**
 * OpenAI-style error replies: `{error: {message, type, param, code}}` with the status codes
 * and codes the OpenAI API, vLLM and Azure OpenAI use, so SDK error classes come out right.
 */

type Json = Record<string, unknown>;

export interface FailureReply {
  status: number;
  body: unknown;
  headers: Headers;
}

function errorBody(
  message: string,
  type: string | null,
  code: string | null,
  param: string | null = null,
): Json {
  return { error: { message, type, param, code } };
}

/** The status, body and headers OpenAI (or Azure OpenAI) answers a failure with. */
export function openAIFailureReply(azure: boolean, failure: SimulatedFailure): FailureReply {
  const send = (status: number, body: unknown, headers: Headers = {}): FailureReply => ({
    status,
    body,
    headers,
  });
  switch (failure.kind) {
    case "unauthorized":
      return azure
        ? send(401, {
            error: {
              code: "401",
              message:
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
            },
          })
        : send(
            401,
            errorBody("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
          );
    case "unknown_model":
      return azure
        ? send(404, {
            error: {
              code: "DeploymentNotFound",
              message: `The API deployment ${failure.model} for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.`,
            },
          })
        : send(
            404,
            errorBody(
              `The model \`${failure.model}\` does not exist or you do not have access to it.`,
              "invalid_request_error",
              "model_not_found",
            ),
          );
    case "bad_request":
      return send(400, errorBody(failure.message, "invalid_request_error", null));
    case "context_too_long":
      return send(
        400,
        errorBody(
          `This model's maximum context length is ${failure.limit} tokens. However, your messages resulted in ${failure.actual} tokens. Please reduce the length of the messages.`,
          "invalid_request_error",
          "context_length_exceeded",
          "messages",
        ),
      );
    case "unsupported":
      return failure.feature === "json_schema"
        ? send(
            400,
            errorBody(
              "This model does not support response_format of type json_schema.",
              "invalid_request_error",
              "unsupported_parameter",
              "response_format",
            ),
          )
        : send(
            400,
            errorBody(
              "This model does not support logprobs.",
              "invalid_request_error",
              "unsupported_parameter",
              "logprobs",
            ),
          );
    case "content_filter":
      return send(400, {
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          type: null,
          param: "prompt",
          code: "content_filter",
          status: 400,
          innererror: {
            code: "ResponsibleAIPolicyViolation",
            content_filter_result: {
              hate: { filtered: true, severity: "high" },
              self_harm: { filtered: false, severity: "safe" },
              sexual: { filtered: false, severity: "safe" },
              violence: { filtered: false, severity: "safe" },
            },
          },
        },
      });
    case "rate_limited": {
      const seconds =
        failure.retryAfterMs === undefined
          ? undefined
          : Math.max(1, Math.ceil(failure.retryAfterMs / 1000));
      const hint =
        seconds === undefined ? "Please try again later." : `Please try again in ${seconds}s.`;
      return azure
        ? send(
            429,
            {
              error: {
                code: "429",
                message: `Requests to the ChatCompletions_Create Operation have exceeded the rate limit of your current pricing tier. ${hint}`,
              },
            },
            retryAfterHeaders(failure.retryAfterMs),
          )
        : send(
            429,
            errorBody(
              `Rate limit reached for requests. ${hint}`,
              "requests",
              "rate_limit_exceeded",
            ),
            retryAfterHeaders(failure.retryAfterMs),
          );
    }
    case "server_error":
      return failure.status === 500
        ? send(
            500,
            errorBody(
              "The server had an error while processing your request. Sorry about that!",
              "server_error",
              null,
            ),
          )
        : send(503, errorBody("The server is overloaded or not ready yet.", "server_error", null));
    case "timeout":
      return send(408, errorBody("Request timed out.", "timeout", "timeout"));
  }
}
