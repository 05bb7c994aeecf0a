#!/usr/bin/env node
import { main } from "./evalgate.js";

process.exitCode = await main(process.argv.slice(2));
