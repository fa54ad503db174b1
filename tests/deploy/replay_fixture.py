"""A capture and a rule that matches it, shared by the deploy tests that
drive the real saker-engine with a deployment's config file."""

REPLAY_SCAP = "../shared/upstream/scap/cat_write.scap"
REPLAY_RULE_NAME = "Deploy check cat opened a file"
# Matches the cat(1) run recorded in REPLAY_SCAP.
REPLAY_RULE = f"""- rule: {REPLAY_RULE_NAME}
  desc: cat opened a file (replayed capture)
  condition: evt.type in (open, openat) and proc.name = cat
  output: cat opened a file (file=%fd.name proc=%proc.name)
  priority: WARNING
  tags: [deploy]
"""
