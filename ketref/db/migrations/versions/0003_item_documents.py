"""Items as validated, versioned documents: item_version, head columns, no per-kind tables.

Every item's rows in the per-kind tables (indication uses and outcomes, contraindication classes
and thresholds, frequencies, agents, handout sections and blocks...) are read back into the
document the content models describe and kept as the item's first ``item_version``; ``item``
keeps its head columns (plus language, order, state, hash) and points at that version. Local
edits, origins, content versions, the audit trail, releases, references, links, screening
rules, the clinic profile and the thresholds (``ketref_meta``) are left as they are.

A document is normalised through the content models when it validates; one that does not (a
hand-edited row) is kept as read, so nothing is lost, and ``ketref db check`` names it.

Downgrade is refused: restore the ``before-migration`` backup ketref made instead.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OLD_TABLES = (
    'indication_outcome',
    'indication_use',
    'indication',
    'contraindication_class',
    'contraindication_threshold',
    'contraindication',
    'side_effect_frequency',
    'side_effect',
    'interaction_agent',
    'interaction',
    'monitoring_step',
    'handout_block',
    'handout_section',
    'handout',
)
SAVED_BY = "ketref migration 0003"
VERSION = sa.table(
    'item_version',
    *(sa.column(name) for name in ('id', 'kind', 'slug', 'language', 'state', 'content_version',
                                   'content_hash', 'saved_by', 'reason', 'release')),
    sa.column('document', DOCUMENT),
    sa.column('saved_at', sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table('item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('content_version', sa.String(length=32), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('document', DOCUMENT, nullable=False),
    sa.Column('saved_by', sa.String(length=120), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('release', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_version'))
    )
    op.create_index('ix_item_version_kind_slug', 'item_version', ['kind', 'slug'], unique=False)
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('sort_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))

    _convert(op.get_bind())

    with op.batch_alter_table('item', schema=None) as batch_op:
        for name in ('language', 'sort_key', 'state', 'content_hash', 'version_id'):
            batch_op.alter_column(name, nullable=False)
        batch_op.drop_column('unverified_note')
        batch_op.create_foreign_key(
            batch_op.f('fk_item_version_id_item_version'),
            'item_version',
            ['version_id'],
            ['id'],
            ondelete='RESTRICT',
        )
    for table in OLD_TABLES:
        op.drop_table(table)


def downgrade() -> None:
    raise RuntimeError(
        "ketref cannot move a library back from schema 0003 (items as documents) to 0002: "
        "restore the 'before-migration' backup ketref wrote before upgrading "
        "(ketref db backups, then ketref db restore FILE)."
    )


# --- Reading the old rows into documents ---------------------------------------------------


def _convert(bind: sa.Connection) -> None:
    meta = sa.MetaData()
    meta.reflect(bind, only=['item', 'item_reference', 'item_link', 'reference',
                             'content_release', *OLD_TABLES])
    tables = meta.tables
    release = bind.execute(
        sa.select(tables['content_release'].c.version)
        .order_by(tables['content_release'].c.id.desc())
        .limit(1)
    ).scalar()
    children = _children(bind, tables)
    items = list(bind.execute(sa.select(tables['item']).order_by(tables['item'].c.id)).mappings())
    versions: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    for row in items:
        document = _normalised({**_head(row, children), **_body(row, children)}, row['kind'])
        digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        language = str(document.get('language') or 'en')
        versions.append({
            'kind': row['kind'], 'slug': row['slug'], 'language': language, 'state': 'approved',
            'content_version': row['content_version'], 'content_hash': digest,
            'document': document, 'saved_by': SAVED_BY,
            'saved_at': row['updated_at'] or datetime.now(UTC),
            'reason': 'converted from the rows of schema 0002', 'release': release,
        })
        sort_key = ''
        if row['kind'] == 'monitoring':
            sort_key = f"{document.get('phase')}:{int(document.get('order') or 0):04d}"
        heads.append({'item_id': row['id'], 'new_language': language, 'new_sort_key': sort_key,
                      'new_state': 'approved', 'new_content_hash': digest})
    if not versions:
        return
    bind.execute(sa.insert(VERSION), versions)
    ids = {(k, s): i for i, k, s in bind.execute(sa.select(VERSION.c.id, VERSION.c.kind,
                                                           VERSION.c.slug))}
    for row, head in zip(items, heads, strict=True):
        head['new_version_id'] = ids[row['kind'], row['slug']]
    item = tables['item']
    bind.execute(
        item.update().where(item.c.id == sa.bindparam('item_id')).values(
            {name: sa.bindparam(f'new_{name}')
             for name in ('language', 'sort_key', 'state', 'content_hash', 'version_id')}
        ),
        heads,
    )


def _normalised(document: dict[str, Any], kind: str) -> dict[str, Any]:
    """The document as the content models write it, or as read when it does not validate."""
    from pydantic import ValidationError

    from ketref.domain.content import MODEL_BY_KIND
    from ketref.domain.enums import ItemKind

    try:
        model = MODEL_BY_KIND[ItemKind(kind)].model_validate(document)
    except (ValidationError, ValueError):
        return json.loads(json.dumps(document, default=str))
    return model.model_dump(mode='json', by_alias=True)


def _grouped(bind: sa.Connection, table: sa.Table, key: str, order: str) -> dict[int, list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for row in bind.execute(sa.select(table).order_by(table.c[key], table.c[order])).mappings():
        groups[row[key]].append(row)
    return groups


def _children(bind: sa.Connection, tables: Any) -> dict[str, Any]:
    """Every child table's rows grouped by parent id, in their stored order."""
    refs = {r.id: r.key for r in bind.execute(sa.select(tables['reference']))}
    links = _grouped(bind, tables['item_reference'], 'item_id', 'position')
    rows = {name: {r['id']: r for r in bind.execute(sa.select(tables[name])).mappings()}
            for name in ('indication', 'contraindication', 'side_effect', 'interaction',
                         'monitoring_step', 'handout')}
    return {
        'refs': refs,
        'item_reference': links,
        'item_link': _grouped(bind, tables['item_link'], 'item_id', 'position'),
        'uses': _grouped(bind, tables['indication_use'], 'indication_id', 'product'),
        'outcomes': _grouped(bind, tables['indication_outcome'], 'use_id', 'position'),
        'classes': _grouped(bind, tables['contraindication_class'], 'contraindication_id',
                            'product'),
        'thresholds': _grouped(bind, tables['contraindication_threshold'],
                               'contraindication_id', 'position'),
        'frequencies': _grouped(bind, tables['side_effect_frequency'], 'side_effect_id',
                                'position'),
        'agents': _grouped(bind, tables['interaction_agent'], 'interaction_id', 'position'),
        'sections': _grouped(bind, tables['handout_section'], 'handout_id', 'position'),
        'blocks': _grouped(bind, tables['handout_block'], 'section_id', 'position'),
        **rows,
    }


def _head(row: Any, ch: dict[str, Any]) -> dict[str, Any]:
    return {
        'slug': row['slug'],
        'title': row['title'],
        'summary': row['summary'],
        'references': [ch['refs'][link['reference_id']]
                       for link in ch['item_reference'].get(row['id'], []) if link['direct']],
        'reviewed': row['reviewed'],
        'review_due': row['review_due'],
        'verified': row['verified'],
        'unverified_note': row['unverified_note'],
        'related': [{'kind': link['target_kind'], 'slug': link['target_slug']}
                    for link in ch['item_link'].get(row['id'], [])],
    }


def _body(row: Any, ch: dict[str, Any]) -> dict[str, Any]:
    item_id, kind = row['id'], row['kind']
    if kind == 'indications':
        return {'definition': ch['indication'][item_id]['definition'], 'uses': {
            use['product']: {
                'status': use['status'], 'evidence': use['evidence'],
                'evidence_reason': use['evidence_reason'], 'onset': use['onset'],
                'durability': use['durability'], 'protocol': use['protocol'],
                'references': list(use['reference_keys']),
                'outcomes': [{'trial': o['trial'], 'finding': o['finding'],
                              'comparator': o['comparator'],
                              'references': list(o['reference_keys']),
                              'verified': o['verified']}
                             for o in ch['outcomes'].get(use['id'], [])],
            } for use in ch['uses'].get(item_id, [])}}
    if kind == 'contraindications':
        ci = ch['contraindication'][item_id]
        return {'detail': ci['detail'], 'rationale': ci['rationale'],
                'classes': {k['product']: {'class': k['level'], 'note': k['note']}
                            for k in ch['classes'].get(item_id, [])},
                'thresholds': [{'parameter': th['parameter'], 'comparison': th['comparison'],
                                'value': th['value'], 'unit': th['unit'],
                                'meaning': th['meaning'], 'products': list(th['products']),
                                'references': list(th['reference_keys'])}
                               for th in ch['thresholds'].get(item_id, [])]}
    if kind == 'side-effects':
        se = ch['side_effect'][item_id]
        return {**{name: se[name] for name in ('category', 'onset', 'peak', 'resolution',
                                               'severity', 'severity_note', 'management')},
                'products': list(se['products']),
                'frequencies': [{'product': f['product'], 'treated': f['treated'],
                                 'comparator': f['comparator'],
                                 'comparator_value': f['comparator_value'],
                                 'setting': f['setting'],
                                 'references': list(f['reference_keys']),
                                 'verified': f['verified']}
                                for f in ch['frequencies'].get(item_id, [])]}
    if kind == 'interactions':
        ia = ch['interaction'][item_id]
        return {'drug_class': ia['drug_class'],
                'agents': [a['name'] for a in ch['agents'].get(item_id, [])],
                'products': list(ia['products']), 'level': ia['level'], 'effect': ia['effect'],
                'rule': ia['rule']}
    if kind == 'monitoring':
        ms = ch['monitoring_step'][item_id]
        return {'phase': ms['phase'], 'order': ms['sort_order'], 'products': list(ms['products']),
                'timepoint': ms['timepoint'], 'what': ms['what'], 'threshold': ms['threshold'],
                'checklist': list(ms['checklist'])}
    handout = ch['handout'][item_id]
    return {'language': handout['language'], 'audience': handout['audience'],
            'version': handout['version'], 'products': list(handout['products']),
            'main_message': handout['main_message'],
            'sections': [{'heading': s['heading'],
                          'blocks': [_block(b) for b in ch['blocks'].get(s['id'], [])]}
                         for s in ch['sections'].get(item_id, [])]}


def _block(row: Any) -> dict[str, Any]:
    if row['type'] == 'paragraph':
        return {'type': 'paragraph', 'text': row['text']}
    if row['type'] == 'callout':
        return {'type': 'callout', 'style': row['style'], 'title': row['title'],
                'text': row['text'], 'items': list(row['items'])}
    return {'type': row['type'], 'items': list(row['items'])}
