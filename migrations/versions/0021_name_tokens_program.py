"""name tokens carry the family's program: a name search reads one program's tokens

The column is added empty, filled from each token's family, then required; the new index leads
with the program. The index on the token alone stays for searches across programs.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 12:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('name_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('program_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE name_tokens SET program_id = "
        "(SELECT families.program_id FROM families WHERE families.id = name_tokens.family_id)"
    )
    with op.batch_alter_table('name_tokens', schema=None) as batch_op:
        batch_op.alter_column('program_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_name_tokens_program_id_organizations'), 'organizations', ['program_id'], ['id']
        )
        batch_op.create_index(
            'ix_name_tokens_program_token', ['program_id', 'token', 'member_id', 'family_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('name_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_name_tokens_program_token')
        batch_op.drop_constraint(batch_op.f('fk_name_tokens_program_id_organizations'), type_='foreignkey')
        batch_op.drop_column('program_id')
