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
          model: gpt-4-turbo-2024-04-09
          api_key_env: OPENAI_API_KEY   # the variable holding the key; the key itself is never stored
          concurrency: 64        # requests in flight at once
          rpm: null              # requests per minute (null: no limit)
          tpm: null              # tokens per minute, prompt estimate + max_tokens (null: no limit)
          connect_timeout: 10    # seconds
          timeout: 600           # seconds for a whole request
          stall_timeout: 120     # at most this many seconds without a byte; shorter once answer times are known
          ca_bundle: null        # PEM file of CAs to trust for https (null: SSL_CERT_FILE, else the system's)
          max_attempts: 10       # per request, for 408/409/429/5xx, network errors, stalls, cut bodies, length
          max_cost: null         # US dollars; stop sending once spent (exit code 3)

        # US dollars per million tokens, by model (adds to and overrides the built-in table).
        prices:
          gpt-4-turbo-2024-04-09: {prompt: 10.0, completion: 30.0}

        # Inputs, as PRESET=PATH. Presets: nectar, openhermes, ultrafeedback, arena, dsp, jsonl.
        sources: []

        ingest:
          # The paper's recipe: 12k from each of four sources, then OpenHermes up to 100k.
          quotas: {nectar: 12000, ultrafeedback: 12000, arena: 12000, dsp: 12000}
          total: 100000
          fill_source: openhermes
          # Matched against the first line of each instruction; a hit drops it (the paper's filter).
          filter:
            - '(?i)\\byou are\\b'
            - '(?i)\\byou[''’]re\\b'
            - '(?i)\\bimagine\\b'
            - '(?i)\\btake\\b.*\\brole\\b'
          near_dedup: true       # MinHash over word 5-grams
          near_threshold: 0.75   # estimated Jaccard similarity that counts as a near duplicate
          max_line_bytes: 1048576
          strict: false          # true: the first bad line stops ingest

        generation:
          variants: 3            # preference sets (and system messages, responses) per instruction
          attempts: 3            # asks per item before an invalid answer is quarantined
          temperature: 1.0       # the paper's sampling parameters
          top_p: 0.9
          max_tokens: {expand: 1024, systems: 1024, respond: 4096}
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
