#!/bin/sh
# The walkthrough of README.md: publish the NeurIPS 2024 tutorial day, then a speaker drops out of the morning.
# Run from the repository root; everything is written under out/neurips_whatif/.
set -e
confsched solve data/neurips2024_tutorials.yaml --out out/neurips_whatif
confsched whatif data/neurips2024_tutorials.yaml --baseline out/neurips_whatif/schedule.json \
    --change examples/neurips_speaker_drops_out/changes.yaml --out out/neurips_whatif
confsched diff out/neurips_whatif/schedule.json out/neurips_whatif/schedule.v2.json --data data/neurips2024_tutorials.yaml
