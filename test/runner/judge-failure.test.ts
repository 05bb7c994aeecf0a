import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvaluatorJudge } from "../../src/judges/index.js";
import { createModelClient } from "../../src/providers/index.js";
import { createCellExecutor } from "../../src/runner/index.js";
import {
  closedPort,
  type StubServer,
  sendJson,
  startStubServer,
} from "../providers/stub-server.js";
import { catalogModel } from "../providers/test-models.js";
import { handWrittenEvaluator } from "../support/evaluators.js";

let server: StubServer;
beforeAll(async () => {
  server = await startStubServer();
  server.handle((_request, res) =>
    sendJson(res, 200, {
      id: "c",
      object: "chat.completion",
      created: 0,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "42" }, finish_reason: "stop" }],
    }),
  );
});
afterAll(() => server.close());

describe("a failed judge call", () => {
  it("is the judge's failure, naming the judge and its endpoint", async () => {
    const judgeEndpoint = `http://127.0.0.1:${await closedPort()}/v1`;
    const judge = createEvaluatorJudge({
      evaluator: handWrittenEvaluator({
        system: "grade",
        user: "<response>{{ response }}</response>",
      }),
      model: {
        client: createModelClient(
          catalogModel({ name: "judge-x", endpoint: judgeEndpoint, identifier: "custom_openai/j" }),
        ),
        judgeName: "judge-x",
        endpoint: judgeEndpoint,
      },
    });
    const execute = createCellExecutor({
      render: () => ({
        promptId: "p",
        family: "base",
        version: "1",
        file: "p.yml",
        messages: [{ role: "user", content: "6 x 7?" }],
        params: {},
      }),
      clientFor: () => createModelClient(catalogModel({ endpoint: `${server.url}/v1` })),
      judgeFor: () => judge,
    });
    const record = await execute(
      {
        cellId: "f/m/e/0",
        feature: "f",
        model: "m",
        exampleId: "e",
        repeat: 0,
        example: { id: "e", inputs: {}, reference: "42", source: { file: "d", line: 1 } },
      },
      new AbortController().signal,
    );
    expect(record).toMatchObject({
      status: "error",
      failedStage: "judge",
      judge: "judge-x",
      errorClass: "connection",
      response: "42",
    });
    expect(record.reason).toMatch(
      new RegExp(`^judge "judge-x" \\(${judgeEndpoint.replace(/[./]/g, "\\$&")}\\) call failed: `),
    );
  });

  it("a judge call the provider content-filters is unscored, as documented, not an error", async () => {
    const filtering = await startStubServer();
    filtering.handle((_request, res) =>
      sendJson(res, 400, {
        error: {
          code: "content_filter",
          type: "invalid_request_error",
          message:
            "The response was filtered due to the prompt triggering content management policy.",
        },
      }),
    );
    try {
      const judgeEndpoint = `${filtering.url}/v1`;
      const judge = createEvaluatorJudge({
        evaluator: handWrittenEvaluator({
          system: "grade",
          user: "<response>{{ response }}</response>",
        }),
        model: {
          client: createModelClient(
            catalogModel({
              name: "judge-x",
              endpoint: judgeEndpoint,
              identifier: "custom_openai/j",
            }),
          ),
          judgeName: "judge-x",
          endpoint: judgeEndpoint,
        },
      });
      const execute = createCellExecutor({
        render: () => ({
          promptId: "p",
          family: "base",
          version: "1",
          file: "p.yml",
          messages: [{ role: "user", content: "6 x 7?" }],
          params: {},
        }),
        clientFor: () => createModelClient(catalogModel({ endpoint: `${server.url}/v1` })),
        judgeFor: () => judge,
      });
      const record = await execute(
        {
          cellId: "f/m/e/0",
          feature: "f",
          model: "m",
          exampleId: "e",
          repeat: 0,
          example: { id: "e", inputs: {}, reference: "42", source: { file: "d", line: 1 } },
        },
        new AbortController().signal,
      );
      expect(record).toMatchObject({
        status: "unscored",
        failedStage: "judge",
        judge: "judge-x",
        errorClass: "content_filtered",
        response: "42",
      });
      expect(record.reason).toMatch(
        /^judge "judge-x" \(.+\) call was content filtered by the provider: /,
      );
    } finally {
      await filtering.close();
    }
  });
});
