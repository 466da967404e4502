/// The commented janus.yaml that `janus-data init` writes. Every key it shows is read by
/// `ConfigLoader`, and a test checks that this text loads to the built-in defaults.
public enum DefaultConfig {
    public static let text = """
        # janus.yaml: settings for janus-data. Flags given on the command line override these.
        # Relative paths are taken from this file's folder.

        seed: 42                 # every random choice (sampling, seed draws, pairs) derives from it
        db: janus.db             # the checkpoint store: every result lands here the moment it arrives

        provider:
          name: offline          # offline (built-in, no network) | openai (any OpenAI-compatible server)
          base_url: https://api.openai.com/v1   # vLLM: http://127.0.0.1:8000/v1, Ollama: http://127.0.0.1:11434/v1
          model: gpt-4-0125-preview   # the generator the published dataset cards name
          api_key_env: OPENAI_API_KEY   # the variable holding the key; the key itself is never stored
          concurrency: 64        # requests in flight at once (per endpoint)
          rpm: null              # requests per minute (null: no limit)
          tpm: null              # tokens per minute, prompt estimate + max_tokens (null: no limit)
          connect_timeout: 10    # seconds
          timeout: 600           # seconds for a whole request
          stall_timeout: 120     # at most this many seconds without a byte; shorter once answer times are known
          unreachable_timeout: 300   # stop when no server has answered this long while connects fail (30 before the first answer)
          ca_bundle: null        # PEM file of CAs to trust for https (null: SSL_CERT_FILE, else the system's)
          max_attempts: 10       # per request, for 408/409/429/5xx, network errors, stalls, cut bodies, length
          max_cost: null         # US dollars; stop sending once spent (exit code 3)
          # Several servers of the same model (vLLM, SGLang, llama.cpp): requests go to the one with
          # the fewest in flight for its limit; one that fails or 429s hard cools down meanwhile.
          # Unset keys are the provider's above; with endpoints listed, base_url is not used.
          # endpoints:
          #   - {base_url: http://10.0.0.5:8000/v1, concurrency: 128}
          #   - {base_url: http://10.0.0.6:8000/v1, concurrency: 64, weight: 0.5, api_key_env: NODE6_KEY}

        # US dollars per million tokens, by model (adds to and overrides the built-in table).
        prices:
          gpt-4-0125-preview: {prompt: 10.0, completion: 30.0}

        # Inputs, as PRESET=PATH. Presets: nectar, openhermes, ultrafeedback, arena, dsp, jsonl.
        sources: []

        ingest:
          # paper: exact dedup, sample (quotas, then fill_source up to total), THEN the filter, as
          #   the paper did (Appendix A.1: 100,000 sampled, 65,653 left); near-dedup off.
          # clean: exact dedup, filter, near-dedup, then sample: total usable instructions.
          recipe: paper
          # The paper's sizes: 12k from each of four sources (DSP, the smallest, whole), then
          # OpenHermesPreferences up to exactly 100k.
          quotas: {nectar: 12000, ultrafeedback: 12000, arena: 12000, dsp: 12000}
          total: 100000
          fill_source: openhermes
          # Matched against the first line of each instruction; a hit drops it. The paper's
          # pattern (A.1, with the escapes its printed text lost restored): a word-bounded
          # "you are", "you're", "imagine", or "take" and "role" with only single-space-separated
          # words between them. We add case-insensitivity (?i) and the ASCII apostrophe beside ’.
          filter:
            - '(?i)^(?:(?!\\n).)*\\b(you are|you[''’]re|imagine|take \\w*(?: \\w+)* role)\\b'
          near_dedup: null       # MinHash over word 5-grams; null: the recipe's (paper off, clean on)
          near_threshold: 0.75   # estimated Jaccard similarity that counts as a near duplicate
          max_line_bytes: 1048576
          strict: false          # true: the first bad line stops ingest

        generation:
          variants: 3            # preference sets (and system messages, responses) per instruction, as in the paper
          attempts: 3            # asks per item before an invalid answer is quarantined
          # The paper does not say how it sampled GPT-4 for the data. 1.0 and 0.9 are the values it
          # gives for running Janus on the benchmark (D.1: temperature 1.0, top_p 0.9, 4096 tokens,
          # repetition_penalty 1.03), used here as defaults.
          temperature: 1.0
          top_p: 0.9
          max_tokens: {expand: 1024, systems: 1024, respond: 4096}   # respond: D.1's 4096; the others ours
          send_seed: true        # a sampling seed per (seed, stage, instruction, variant), for servers that honour it
          extra: {}              # passed through in each request, e.g. {repetition_penalty: 1.03} for vLLM
          # seeds_dir: seeds     # your own taxonomy.json, preference_sets.json, system_messages.json
          # prompts_dir: prompts # your own expand.txt, systems.txt, respond.txt

        export:
          out: out
          formats: [all]         # sft, sft-small, dpo, orpo, rm, all
          shard_size: 100000     # records per shard
          max_shard_mb: null     # megabytes of JSONL per shard at most (before compression)
          gzip: false            # true: shards are .jsonl.gz
          test_split: 0          # instructions held out as a test split in every format

        """
}
