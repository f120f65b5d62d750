"""Developer tools: the demo (`ccc-bot demo`) and a throwaway local Synapse for it, the
integration tests and the benchmarks. The running bot never imports them."""
