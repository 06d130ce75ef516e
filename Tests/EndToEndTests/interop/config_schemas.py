#!/usr/bin/env python3
"""Checks config-schemas/ with Python's jsonschema, which shares no code with ctictl
(docs/config.md, "Settings schemas" and "Rules"):

- every *.schema.json is a valid JSON Schema 2020-12;
- every <product>/<release>.schema.json follows settings.schema.json (only the keywords
  ctictl's validator claims, the annotations every setting needs), is named after its
  x-release, keeps the settings of the schema before it (removed ones with x-removed), and
  its defaults are valid values; releases.json names only schemas that exist;
- each schema accepts its valid examples (examples/<release>.examples.json) and rejects each
  invalid one at the setting the example names;
- every known-issues.json follows known-issues.schema.json;
- every rules.json follows rules.schema.json; its ranges parse; its settings are declared;
  its placeholders can be filled; a code repeats only for another subject or disjoint releases;
- the findings of examples/findings.json, computed by the reference evaluator below (the
  condition language of docs/config.md), are exactly the ones written there.

Usage: config_schemas.py CONFIG_SCHEMAS_DIR. Prints one line per failure and a summary;
exit 0 when all pass, 1 when any fails, 3 when jsonschema is missing.
"""
import copy
import ipaddress
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    print("jsonschema is missing: run scripts/setup.sh --with-python")
    sys.exit(3)

Validator = jsonschema.Draft202012Validator
failures = []


def fail(message):
    failures.append(message)
    print("FAIL " + message)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# Versions and ranges (docs/versions-and-ranges.md) --------------------------------------

def version(text):
    if not re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,9})*", text):
        raise ValueError("not a version: %r" % text)
    parts = [int(p) for p in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def wildcard_end(text):
    """6.6.0.* -> the first version after it, 6.6.1."""
    parts = list(version(text))
    parts[-1] += 1
    return tuple(parts)


# An interval is (low, low_inclusive, high, high_inclusive); None is unbounded.
def interval_item(item):
    item = item.strip()
    if item == "*":
        return (None, True, None, True)
    if item[0] in "[(":
        low, high = item[1:-1].split(",")
        return (version(low) if low.strip() else None, item[0] == "[",
                version(high) if high.strip() else None, item[-1] == "]")
    if " - " in item:
        low, high = item.split(" - ")
        low = low.strip()
        high = high.strip()
        start = version(low[:-2]) if low.endswith(".*") else version(low)
        if high.endswith(".*"):
            return (start, True, wildcard_end(high[:-2]), False)
        return (start, True, version(high), True)
    if item[0] in "<>=":
        low, low_in, high, high_in = None, True, None, True
        for comparator in item.split():
            op, value = re.fullmatch(r"(>=|<=|>|<|=)(.+)", comparator).groups()
            v = version(value)
            if op in (">=", ">", "="):
                low, low_in = v, op != ">"
            if op in ("<=", "<", "="):
                high, high_in = v, op != "<"
        return (low, low_in, high, high_in)
    if item.endswith(".*"):
        return (version(item[:-2]), True, wildcard_end(item[:-2]), False)
    return (version(item), True, version(item), True)


def parse_range(text):
    items, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "[("
        depth -= ch in "])"
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return [interval_item(i) for i in items]


def in_interval(v, interval):
    low, low_in, high, high_in = interval
    if low is not None and (v < low or (v == low and not low_in)):
        return False
    if high is not None and (v > high or (v == high and not high_in)):
        return False
    return True


def range_contains(text, release):
    intervals = parse_range(text)
    if release is None:  # an unknown release: only rules for every release apply
        return intervals == [(None, True, None, True)]
    return any(in_interval(version(release), i) for i in intervals)


def intervals_overlap(a, b):
    low = max((x for x in (a[0], b[0]) if x is not None), default=None)
    high = min((x for x in (a[2], b[2]) if x is not None), default=None)
    if low is None or high is None or low < high:
        return True
    if low > high:
        return False
    return in_interval(low, a) and in_interval(low, b)


def ranges_overlap(a, b):
    return any(intervals_overlap(x, y) for x in parse_range(a) for y in parse_range(b))


# The condition language (docs/config.md, "The condition language") ------------------------

NON_PUBLIC = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8")]
IPV4 = re.compile(r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")
WHITE = " \t\r\n"


def is_public_ip(text):
    text = text.strip(WHITE)
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if IPV4.fullmatch(text):
        address = ipaddress.IPv4Address(text)
    elif ":" in text:
        try:
            address = ipaddress.IPv6Address(text)
        except ValueError:
            return False
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
    else:
        return False
    return not any(address in n for n in NON_PUBLIC if n.version == address.version)


def dotnet_bool(text):
    value = text.strip(WHITE).lower()
    return {"true": True, "false": False}.get(value)


def effective(settings, schema, name):
    if name in settings:
        return settings[name]
    return schema["properties"].get(name, {}).get("default")


def holds(condition, settings, schema):
    if "all" in condition:
        return all(holds(c, settings, schema) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, settings, schema) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], settings, schema)
    if "present" in condition:
        return condition["present"] in settings
    if "absent" in condition:
        return condition["absent"] not in settings
    value = effective(settings, schema, condition["setting"])
    if value is None:
        return False
    if "equals" in condition:
        return value == condition["equals"]
    if "notEquals" in condition:
        return value != condition["notEquals"]
    if "matches" in condition:
        return re.search(condition["matches"], value) is not None
    test = condition["is"]
    if test in ("true", "false"):
        return dotnet_bool(value) == (test == "true")
    if test == "empty":
        return value.strip(WHITE) == ""
    return is_public_ip(value)


def fill(text, release, schema, subject, settings, language):
    declared = schema["properties"].get(subject, {}) if subject else {}
    label = declared.get("x-label-de" if language == "de" else "title", subject)
    values = {"release": release or "", "setting": subject, "label": label,
              "value": effective(settings, schema, subject) if subject else None,
              "removed": declared.get("x-removed")}
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def findings(rules, schema, release, settings):
    found = []
    for rule in rules:
        if not range_contains(rule["releases"], release):
            continue
        if "when" in rule:
            subjects = [rule.get("setting")] if holds(rule["when"], settings, schema) else []
        elif rule["forEachSetting"] == "undeclared":
            subjects = [n for n in settings if n not in schema["properties"]]
        else:
            subjects = [n for n in settings if "x-removed" in schema["properties"].get(n, {})]
        for subject in subjects:
            found.append((" ".join(x for x in (rule["severity"], rule["code"], subject) if x),
                          {lang: fill(rule["message"][lang], release, schema, subject, settings, lang) for lang in ("de", "en")}))
    return found


# The checks ------------------------------------------------------------------------------

def walk_conditions(condition):
    yield condition
    for key in ("all", "any"):
        for c in condition.get(key, []):
            yield from walk_conditions(c)
    if "not" in condition:
        yield from walk_conditions(condition["not"])


def check_schema_examples(product_dir, schema, release):
    path = os.path.join(product_dir, "examples", release + ".examples.json")
    if not os.path.exists(path):
        fail("%s: no examples (a valid and an invalid instance)" % path)
        return 0, 0
    examples = load(path)
    validator = Validator(schema)
    for example in examples["valid"]:
        for error in validator.iter_errors(example["settings"]):
            fail("%s: valid example %r rejected at %s: %s" % (path, example["name"], list(error.absolute_path), error.message))
    for example in examples["invalid"]:
        errors = list(validator.iter_errors(example["settings"]))
        paths = {str(p) for e in errors for p in e.absolute_path}
        if example["error"] not in paths:
            fail("%s: invalid example %r not rejected at %s (errors: %s)" % (path, example["name"], example["error"], [e.message for e in errors]))
    if not examples["valid"] or not examples["invalid"]:
        fail("%s: needs at least one valid and one invalid example" % path)
    return len(examples["valid"]), len(examples["invalid"])


def check_product(root, product, meta, rules_schema, counts):
    product_dir = os.path.join(root, product)
    names = sorted((n for n in os.listdir(product_dir) if n.endswith(".schema.json")), key=lambda n: version(n[:-len(".schema.json")]))
    schemas = {}
    for name in names:
        path = os.path.join(product_dir, name)
        schema = load(path)
        release = name[:-len(".schema.json")]
        for error in Validator(meta).iter_errors(schema):
            fail("%s: breaks settings.schema.json at %s: %s" % (path, "/".join(map(str, error.absolute_path)), error.message))
        if schema.get("x-release") != release or schema.get("x-product") != product:
            fail("%s: x-product/x-release must be %s/%s" % (path, product, release))
        for setting, declared in schema.get("properties", {}).items():
            if not Validator(schema).is_valid({setting: declared.get("default")}):
                fail("%s: the default of %s is not a valid value" % (path, setting))
            if version(declared["x-since"]) > version(release) or version(declared.get("x-removed", release)) > version(release):
                fail("%s: %s has x-since or x-removed after the schema's release" % (path, setting))
        schemas[release] = schema
        counts["schemas"] += 1
        valid, invalid = check_schema_examples(product_dir, schema, release)
        counts["valid"] += valid
        counts["invalid"] += invalid
    ordered = list(schemas.values())
    for before, after in zip(ordered, ordered[1:]):
        for setting in before["properties"]:
            if setting not in after["properties"]:
                fail("%s %s: %s vanished; keep it with x-removed and deprecated" % (product, after["x-release"], setting))

    catalog = load(os.path.join(product_dir, "releases.json"))
    for row in catalog["releases"]:
        if row.get("configSchema") and row["configSchema"] not in schemas:
            fail("%s/releases.json: configSchema %s of %s has no schema file" % (product, row["configSchema"], row.get("version")))
    if not catalog["releases"] and list(schemas) != ["0"]:
        fail("%s: a product without catalogued releases has exactly one schema, 0.schema.json" % product)

    rules_path = os.path.join(product_dir, "rules.json")
    rules_file = load(rules_path)
    for error in Validator(rules_schema).iter_errors(rules_file):
        fail("%s: breaks rules.schema.json at %s: %s" % (rules_path, "/".join(map(str, error.absolute_path)), error.message))
    if rules_file.get("product") != product:
        fail("%s: product must be %s" % (rules_path, product))
    rules = rules_file.get("rules", [])
    counts["rules"] += len(rules)
    failures_before_rules = len(failures)
    declared_anywhere = {n: p for s in ordered for n, p in s["properties"].items()}
    for index, rule in enumerate(rules):
        where = "%s rule %d (%s)" % (rules_path, index, rule.get("code"))
        try:
            parse_range(rule["releases"])
        except (ValueError, AttributeError, IndexError) as error:
            fail("%s: releases %r do not parse: %s" % (where, rule["releases"], error))
            continue
        conditions = list(walk_conditions(rule.get("when", {})))
        named = [c[k] for c in conditions for k in ("present", "absent", "setting") if k in c] + ([rule["setting"]] if "setting" in rule else [])
        for setting in named:
            if setting not in declared_anywhere:
                fail("%s: %s is declared by no schema of %s" % (where, setting, product))
        for pattern in [c["matches"] for c in conditions if "matches" in c]:
            try:
                re.compile(pattern)
            except re.error as error:
                fail("%s: %r is no regular expression: %s" % (where, pattern, error))
        text = " ".join(rule["message"].values()) + " " + " ".join(rule["fix"].values())
        used = set(re.findall(r"\{(\w+)\}", text))
        allowed = {"release"} | ({"setting", "label", "value"} if ("setting" in rule or "forEachSetting" in rule) else set())
        if rule.get("forEachSetting") == "removed":
            allowed.add("removed")
        if rule.get("forEachSetting"):
            allowed.discard("label")
        if used - allowed:
            fail("%s: placeholders %s cannot be filled here" % (where, sorted(used - allowed)))
        if "value" in used and (rule.get("forEachSetting") or declared_anywhere.get(rule.get("setting"), {}).get("writeOnly")):
            fail("%s: {value} would print a value that may be secret" % where)
        for other in rules[:index]:
            if (other["code"], other.get("setting"), other.get("forEachSetting")) == (rule["code"], rule.get("setting"), rule.get("forEachSetting")) \
                    and ranges_overlap(other["releases"], rule["releases"]):
                fail("%s: repeats %s for the same subject on overlapping releases" % (where, rule["code"]))

    cases_path = os.path.join(product_dir, "examples", "findings.json")
    if len(failures) > failures_before_rules:
        print("SKIP %s: rules.json is broken, so its cases are not run" % cases_path)
        return
    if rules and not os.path.exists(cases_path):
        fail("%s: no rule cases" % cases_path)
    if os.path.exists(cases_path):
        fired = set()
        for case in load(cases_path)["cases"]:
            release = case["release"]
            schema = pick_schema(catalog, schemas, release)
            got = findings(rules, schema, release, case["settings"])
            if [g[0] for g in got] != case["findings"]:
                fail("%s: %r gives %s, expected %s" % (cases_path, case["name"], [g[0] for g in got], case["findings"]))
            for language in ("de", "en"):
                if language in case and [g[1][language] for g in got] != case[language]:
                    fail("%s: %r says %s, expected %s" % (cases_path, case["name"], [g[1][language] for g in got], case[language]))
            for _, messages in got:
                if "{" in "".join(messages.values()):
                    fail("%s: %r leaves a placeholder unfilled: %s" % (cases_path, case["name"], messages))
            fired.update(g[0].split()[1] for g in got)
            counts["cases"] += 1
        for code in {r["code"] for r in rules} - fired:
            fail("%s: no case makes %s fire" % (cases_path, code))


def pick_schema(catalog, schemas, release):
    """The catalog's configSchema of the release; else the newest schema not after it."""
    if release is None:
        return schemas["0"]
    for row in catalog["releases"]:
        if row.get("version") and version(row["version"]) == version(release) and row.get("configSchema"):
            return schemas[row["configSchema"]]
    return [s for r, s in schemas.items() if version(r) <= version(release)][-1]


def check_meta_schema_refuses(meta, schema):
    """settings.schema.json must refuse what ctictl's validator would: a keyword it does not claim, deep inside."""
    for keyword, value in (("items", {"type": "string"}), ("format", "hostname"), ("$id", "x"), ("unevaluatedProperties", False)):
        broken = copy.deepcopy(schema)
        target = broken["$defs"][next(iter(broken["$defs"]))]
        target[keyword] = value
        if Validator(meta).is_valid(broken):
            fail("settings.schema.json accepts the keyword %s inside $defs" % keyword)
    broken = copy.deepcopy(schema)
    setting = next(iter(broken["properties"]))
    del broken["properties"][setting]["x-label-de"]
    if Validator(meta).is_valid(broken):
        fail("settings.schema.json accepts a setting without x-label-de")


def main():
    root = sys.argv[1]
    counts = {"schemas": 0, "valid": 0, "invalid": 0, "rules": 0, "cases": 0}
    all_schemas = [os.path.join(d, n) for d, _, files in os.walk(root) for n in files if n.endswith(".schema.json")]
    for path in sorted(all_schemas):
        try:
            Validator.check_schema(load(path))
        except jsonschema.exceptions.SchemaError as error:
            fail("%s: not a valid JSON Schema 2020-12: %s" % (path, error.message))
    meta = load(os.path.join(root, "settings.schema.json"))
    rules_schema = load(os.path.join(root, "rules.schema.json"))
    products = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "releases.json")))
    for product in products:
        try:
            check_product(root, product, meta, rules_schema, counts)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, re.error) as error:
            fail("%s: the check stopped at malformed data (%s: %s)" % (product, type(error).__name__, error))
    check_meta_schema_refuses(meta, load(os.path.join(root, "datev-connector", "2.6.schema.json")))
    known_issues_schema = Validator(load(os.path.join(root, "known-issues.schema.json")))
    for product in products:
        path = os.path.join(root, product, "known-issues.json")
        for error in known_issues_schema.iter_errors(load(path)) if os.path.isfile(path) else []:
            fail("%s: breaks known-issues.schema.json at %s: %s" % (path, "/".join(map(str, error.absolute_path)), error.message))
    print("%d JSON Schemas valid; %d settings schemas of %d products, %d valid and %d invalid examples; %d rules, %d rule cases; %d failures"
          % (len(all_schemas), counts["schemas"], len(products), counts["valid"], counts["invalid"], counts["rules"], counts["cases"], len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
