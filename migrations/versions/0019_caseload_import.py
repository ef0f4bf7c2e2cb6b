"""caseload import: jobs, their sealed files, saved mappings, decisions on duplicates, households
already imported (by keyed fingerprint, unique per program) and failed rows

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('date_order', sa.String(length=3), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['organizations.id'], name=op.f('fk_import_mappings_program_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
    sa.UniqueConstraint('program_id', 'name', name='uq_import_mappings_program_name')
    )
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('mapping', 'checked', 'queued', 'importing', 'done', 'cancelled', 'stopped', name='import_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('filename', sa.Text(), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=True),
    sa.Column('delimiter', sa.String(length=1), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('date_order', sa.String(length=3), nullable=True),
    sa.Column('preview', sa.Text(), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('households_total', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('merged_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('appointments_count', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users')),
    sa.ForeignKeyConstraint(['program_id'], ['organizations.id'], name=op.f('fk_import_jobs_program_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_import_jobs_program_created', ['program_id', 'created_at'], unique=False)
        batch_op.create_index('ix_import_jobs_status_claimed', ['status', 'claimed_until'], unique=False)

    op.create_table('import_decisions',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('household', sa.Integer(), nullable=False),
    sa.Column('decision', sa.Enum('skip', 'merge', 'create', name='duplicate_decision', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_import_decisions_family_id_families')),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_decisions_job_id_import_jobs')),
    sa.PrimaryKeyConstraint('job_id', 'household', name=op.f('pk_import_decisions'))
    )
    op.create_table('import_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('cells', sa.Text(), nullable=False),
    sa.Column('errors', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_failures_job_id_import_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_failures'))
    )
    with op.batch_alter_table('import_failures', schema=None) as batch_op:
        batch_op.create_index('ix_import_failures_job_row', ['job_id', 'row_number'], unique=False)

    op.create_table('import_files',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('wrapped_key', sa.String(length=200), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_files_job_id_import_jobs')),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_import_files'))
    )
    op.create_table('imported_households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_imported_households_family_id_families')),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_imported_households_job_id_import_jobs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['organizations.id'], name=op.f('fk_imported_households_program_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_households')),
    sa.UniqueConstraint('program_id', 'fingerprint', name='uq_imported_households_program_fingerprint')
    )
    with op.batch_alter_table('imported_households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_households_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imported_households_job_id'), ['job_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('imported_households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_households_job_id'))
        batch_op.drop_index(batch_op.f('ix_imported_households_family_id'))

    op.drop_table('imported_households')
    op.drop_table('import_files')
    with op.batch_alter_table('import_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_import_failures_job_row')

    op.drop_table('import_failures')
    op.drop_table('import_decisions')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_jobs_status_claimed')
        batch_op.drop_index('ix_import_jobs_program_created')

    op.drop_table('import_jobs')
    op.drop_table('import_mappings')
