// The TypeScript SDK client against mcp-ai-hub: list tools, list_models, generate_text, then
// generate_video + get_job with onprogress and resetTimeoutOnProgress at a timeout shorter than the
// job, so the call only succeeds if progress notifications keep arriving.
//
//   node sdk_client.mjs stdio <command> [args...]   spawns the server (environment: this process's)
//   node sdk_client.mjs http <url>                  connects over Streamable HTTP
//
// Every check is an assertion; on success the last stdout line is a JSON summary. The SDK itself
// validates each structuredContent against the tool's outputSchema (a mismatch throws).
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const SHORT_TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS || 1500);
const TEXT_MODEL = "openai/gpt-5.2";
const VIDEO_MODEL = "fal/fal-ai/minimax/video-01";

function transportFor(kind, rest) {
  if (kind === "stdio") {
    const [command, ...args] = rest;
    return new StdioClientTransport({ command, args, env: { ...process.env }, stderr: "inherit" });
  }
  if (kind === "http") return new StreamableHTTPClientTransport(new URL(rest[0]));
  throw new Error(`unknown transport ${kind}`);
}

async function callTool(client, name, args, options) {
  const result = await client.callTool({ name, arguments: args }, undefined, options);
  const text = result.content?.find((block) => block.type === "text")?.text ?? "";
  assert.equal(result.isError ?? false, false, `${name} failed: ${text}`);
  assert.ok(result.structuredContent, `${name} returned no structuredContent`);
  return result;
}

async function main() {
  const [kind, ...rest] = process.argv.slice(2);
  const errors = [];
  const client = new Client({ name: "sdk-client-check", version: "1.0.0" });
  client.onerror = (error) => errors.push(String(error));
  await client.connect(transportFor(kind, rest));
  const summary = { transport: kind, server: client.getServerVersion() };
  try {
    const tools = (await client.listTools()).tools;
    summary.tools = tools.map((tool) => tool.name).sort();
    for (const name of ["generate_text", "generate_video", "get_job", "list_models"]) {
      assert.ok(summary.tools.includes(name), `tools/list lacks ${name}`);
    }
    for (const tool of tools) assert.ok(tool.outputSchema, `${tool.name} has no outputSchema`);

    // the compact default: one line per model, starting with its id
    const models = await callTool(client, "list_models", { capability: "video" });
    const ids = models.structuredContent.models.map((line) => line.split(" ")[0]);
    assert.ok(ids.includes(VIDEO_MODEL), `list_models capability=video lacks ${VIDEO_MODEL}`);
    const full = await callTool(client, "list_models", { model: VIDEO_MODEL });
    assert.deepEqual(full.structuredContent.models.map((model) => model.id), [VIDEO_MODEL]);
    summary.video_models = ids.length;

    const text = await callTool(client, "generate_text", { prompt: "Say hello", model: TEXT_MODEL });
    assert.equal(text.structuredContent.model, TEXT_MODEL);
    assert.ok(text.structuredContent.text.length > 0, "generate_text returned no text");
    summary.text = text.structuredContent.text;

    const progress = { generate_video: [], get_job: [] };
    const options = (name) => ({
      timeout: SHORT_TIMEOUT_MS,
      resetTimeoutOnProgress: true,
      maxTotalTimeout: 60_000,
      onprogress: (p) => progress[name].push(p),
    });
    const started = await callTool(
      client, "generate_video", { prompt: "a fox in snow", model: VIDEO_MODEL, wait_seconds: 1 },
      options("generate_video"),
    );
    const jobId = started.structuredContent.job_id;
    assert.ok(jobId, "generate_video returned no job_id");
    assert.ok(progress.generate_video.length >= 1, "generate_video sent no progress notification");

    const began = Date.now();
    const done = await callTool(client, "get_job", { job_id: jobId, wait_seconds: 60 }, options("get_job"));
    const waitedMs = Date.now() - began;
    const job = done.structuredContent;
    assert.equal(job.status, "succeeded", `job ended ${job.status}: ${JSON.stringify(job.error)}`);
    // the wait outlasted the short timeout: only the progress notifications kept the call alive
    assert.ok(waitedMs > SHORT_TIMEOUT_MS, `get_job took ${waitedMs} ms, not longer than the timeout`);
    assert.ok(progress.get_job.length >= 3, `get_job sent ${progress.get_job.length} progress notifications`);
    const values = progress.get_job.map((p) => p.progress);
    assert.deepEqual(values, [...values].sort((a, b) => a - b), "progress went backwards");
    const [media] = job.outputs;
    assert.ok(media && existsSync(media.path), `the saved video is missing: ${media?.path}`);
    assert.equal(statSync(media.path).size, media.bytes);
    assert.equal(media.mime_type, "video/mp4");
    Object.assign(summary, {
      job_status: job.status,
      video_path: media.path,
      get_job_ms: waitedMs,
      progress: { generate_video: progress.generate_video.length, get_job: progress.get_job.length },
    });
  } finally {
    await client.close();
  }
  assert.deepEqual(errors, [], `the client reported errors: ${errors.join("; ")}`);
  console.log(JSON.stringify(summary));
}

main().catch((error) => {
  console.error(error?.stack || String(error));
  process.exit(1);
});
