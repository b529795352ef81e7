import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum LineageDirectionGql {
  UPSTREAM = 'UPSTREAM',
  DOWNSTREAM = 'DOWNSTREAM',
  BOTH = 'BOTH',
}
registerEnumType(LineageDirectionGql, {
  name: 'LineageDirection',
  description: 'UPSTREAM: what the node came from; DOWNSTREAM: what came from it.',
});

@ObjectType({ description: 'A lineage node: dataset@version, model@digest, commit, blueprint@version, run or decision.' })
export class LineageNode {
  @Field({ description: 'e.g. dataset:curated/tx@2025-11-12, model:churn@sha256:..., run:r-1, decision:r-1.' })
  id!: string;
  @Field({ description: 'DATASET, MODEL, COMMIT, BLUEPRINT, RUN or DECISION.' })
  kind!: string;
  @Field()
  label!: string;
  @Field(() => String, { nullable: true })
  projectId!: string | null;
  @Field({ description: 'Attributes (version, status, trigger...), JSON.' })
  attrs!: string;
  @Field(() => Int, { description: 'Hops from the node asked for.' })
  depth!: number;
}

@ObjectType({ description: 'A relation, from the upstream node to the downstream node (the way data flows).' })
export class LineageEdge {
  @Field({ description: 'CONSUMED, PRODUCED, TRAINED_ON, DERIVED_FROM, EVALUATED_BY or APPROVED.' })
  kind!: string;
  @Field()
  upstream!: string;
  @Field()
  downstream!: string;
}

@ObjectType()
export class LineageGraph {
  @Field(() => LineageNode, { nullable: true, description: 'The node asked for; null when it is not in the graph.' })
  root!: LineageNode | null;
  @Field(() => [LineageNode])
  nodes!: LineageNode[];
  @Field(() => [LineageEdge])
  edges!: LineageEdge[];
  @Field({ description: 'True when more nodes were reachable than the answer holds.' })
  truncated!: boolean;
}

@ObjectType({ description: 'What depends on a node, downstream, grouped by kind.' })
export class ImpactAnalysis {
  @Field()
  node!: string;
  @Field({
    description: 'HIGH: an approved decision or a model approved for a stage depends on it; MEDIUM: models or runs do; LOW: nothing else.',
  })
  severity!: string;
  @Field(() => [LineageNode])
  affectedModels!: LineageNode[];
  @Field(() => [LineageNode])
  affectedRuns!: LineageNode[];
  @Field(() => [LineageNode])
  affectedDecisions!: LineageNode[];
  @Field(() => [LineageNode])
  affectedDatasets!: LineageNode[];
  @Field()
  truncated!: boolean;
}
