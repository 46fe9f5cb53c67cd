import { INSTANCE_STATE_CODES, type ImageRecord, type InstanceRecord, type InstanceStateName, type Tags } from './model.js';
import { items, type XmlObject } from './xml.js';

/** EC2's response shapes for the emulated records. */

export function tagSetXml(tags: Tags): XmlObject['tagSet'] {
  return items(Object.entries(tags).map(([key, value]) => ({ key, value })));
}

export function stateXml(name: InstanceStateName): XmlObject {
  return { code: INSTANCE_STATE_CODES[name], name };
}

export function imageXml(image: ImageRecord): XmlObject {
  return {
    imageId: image.imageId,
    imageLocation: `${image.ownerId}/${image.name}`,
    imageState: image.state,
    imageOwnerId: image.ownerId,
    creationDate: image.creationDate,
    isPublic: false,
    architecture: 'x86_64',
    imageType: 'machine',
    name: image.name,
    rootDeviceType: 'ebs',
    virtualizationType: 'hvm',
    tagSet: tagSetXml(image.tags),
  };
}

export function instanceXml(instance: InstanceRecord, region: string): XmlObject {
  const gone = instance.state === 'terminated' || instance.state === 'shutting-down';
  return {
    instanceId: instance.instanceId,
    imageId: instance.imageId,
    instanceState: stateXml(instance.state),
    privateDnsName: `ip-${instance.privateIp.replaceAll('.', '-')}.${region}.compute.internal`,
    dnsName: '',
    reason: instance.stateTransitionReason ?? '',
    amiLaunchIndex: instance.launchIndex,
    instanceType: instance.instanceType,
    launchTime: new Date(instance.launchTime).toISOString(),
    placement: { availabilityZone: `${region}a`, tenancy: 'default' },
    subnetId: instance.subnetId,
    vpcId: instance.vpcId,
    privateIpAddress: instance.privateIp,
    stateReason: gone ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' } : undefined,
    clientToken: instance.clientToken,
    tagSet: tagSetXml(instance.tags),
  };
}

export function reservationXml(reservationId: string, ownerId: string, instances: InstanceRecord[], region: string): XmlObject {
  return { reservationId, ownerId, groupSet: items([]), instancesSet: items(instances.map((i) => instanceXml(i, region))) };
}
