"""How an activity is named wherever it appears: its name and its place.

Villages propose the same activity per posyandu or dusun ("Operasional posyandu" three times),
so a name alone does not say which one a line means. Every page, document and export names an
activity as `name · location`; when the same activity appears twice in one place, the second
gets a number: `Insentif kader posyandu · Posyandu Melati 1 (2)`.
"""


def activity_label(name: str, location: str = "") -> str:
    """`name · location`, or the name alone when there is no location."""
    name, location = (name or "").strip(), (location or "").strip()
    return f"{name} · {location}" if location else name


def activity_labels(items, name=lambda item: item["name"], location=lambda item: item.get("location")) -> list:
    """Labels for `items` in order, told apart: the second, third… of a repeated label get (2), (3)…

    `name` and `location` read an item (defaults: dict keys "name" and "location").
    """
    plain = [activity_label(name(item), location(item) or "") for item in items]
    counts: dict = {}
    for label in plain:
        counts[label] = counts.get(label, 0) + 1
    seen: dict = {}
    labels = []
    for label in plain:
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
        else:
            labels.append(label)
    return labels


def labels_by_key(items, key=lambda item: item["key"], **readers) -> dict:
    """{key: label} for `items` (see `activity_labels`)."""
    items = list(items)
    return dict(zip((key(item) for item in items), activity_labels(items, **readers)))


def names_told_apart(items, name=lambda item: item["name"], location=lambda item: item.get("location")) -> list:
    """Names alone (for tables with a location column of their own), with the same (2), (3)… as
    `activity_labels` where the same activity appears twice in one place."""
    items = list(items)
    labels = activity_labels(items, name=name, location=location)
    return [name(item) + label[len(activity_label(name(item), location(item) or "")):]
            for item, label in zip(items, labels)]
